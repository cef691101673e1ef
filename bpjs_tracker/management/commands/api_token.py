from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from bpjs_tracker.roles import scope_for
from enrollment.management.contract import ContractCommand


class Command(ContractCommand):
    help = "Print (creating it if needed) the API token of a user; --reset issues a new one."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reset", action="store_true")

    def handle(self, *args, username, reset=False, **options):
        user = self.acting_user(username)
        if scope_for(user) is None:
            self.bad(_("Pengguna '%(user)s' tidak punya peran dan cakupan.") % {"user": username})
        if reset:
            Token.objects.filter(user=user).delete()
        token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
