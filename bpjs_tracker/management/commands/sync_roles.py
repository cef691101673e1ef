from django.core.management.base import BaseCommand

from bpjs_tracker.roles import sync_roles


class Command(BaseCommand):
    help = "Make each role's group hold exactly the permissions of ROLE_PERMISSIONS. Idempotent."

    def handle(self, *args, **options):
        result = sync_roles()
        self.stdout.write(
            f"{result.groups_created} grup baru, {result.permissions_added} izin ditambah, "
            f"{result.permissions_removed} izin dicabut"
        )
