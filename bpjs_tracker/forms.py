"""The admin's login form: one message that reads right in Indonesian, and the role decides."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.roles import scope_for


class LoginForm(AdminAuthenticationForm):
    """Who may log in is who may use the site: an active user with a role and its scope
    (`BpjsAdminSite.has_permission`), not Django's `is_staff` flag, which the user form
    leaves unticked: a Sekda created there could not log in.

    Django's message puts the field's name into "Masukkan %(username)s dan sandi ...", and
    its Indonesian catalogue already says "nama pengguna" there: "nama pengguna nama
    pengguna". Ours names the fields once.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau sandi salah. Perhatikan huruf besar dan kecil; bila lupa "
            "sandi, hubungi administrator."
        ),
        "no_role": _(
            "Akun ini belum diberi peran dan cakupan. Hubungi administrator provinsi."
        ),
    }

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)  # active
        if scope_for(user) is None:
            raise ValidationError(self.error_messages["no_role"], code="no_role")
