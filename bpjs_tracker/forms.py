"""The admin's login form, with an error message that reads right in Indonesian."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AdminAuthenticationForm):
    """Django's message puts the field's name into "Masukkan %(username)s dan sandi ...",
    and its Indonesian catalogue already says "nama pengguna" there: "nama pengguna nama
    pengguna". Ours names the fields once."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Nama pengguna atau sandi salah. Perhatikan huruf besar dan kecil; bila lupa "
            "sandi, hubungi administrator."
        ),
    }
