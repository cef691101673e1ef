from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from bpjs_tracker.roles import role_group_name


class RolePermissionBackend(ModelBackend):
    """Grants a user the permissions of their role's group: the role is the one source."""

    def _get_group_permissions(self, user_obj):
        if not user_obj.role:
            return Permission.objects.none()
        return Permission.objects.filter(group__name=role_group_name(user_obj.role))
