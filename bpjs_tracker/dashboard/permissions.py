"""The JSON API's permission (a module of its own: DRF's settings import it early)."""

from rest_framework.permissions import BasePermission

from bpjs_tracker.roles import scope_for


class HasScope(BasePermission):
    """An active user with a role and a scope (what they see is up to the scope)."""

    def has_permission(self, request, view):
        return scope_for(request.user) is not None
