"""Password rules beyond Django's: no password built on the words everyone here tries first."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Words of this product and its users that make a password guessable however it is decorated.
LOCAL_WORDS = (
    "sandi", "katasandi", "password", "passw0rd", "rahasia", "bpjs", "jamsostek", "admin",
    "bendahara", "kendari", "sultra", "indonesia", "qwerty", "123456",
)  # fmt: skip


class LocalWordsValidator:
    """Refuses a password that is a local word plus digits or symbols (`sandi123`, `Bpjs2025!`)."""

    def validate(self, password, user=None):
        letters = re.sub(r"[^a-z]", "", password.lower())  # what is left without digits and symbols
        for word in LOCAL_WORDS:
            if word in password.lower() and len(letters) <= len(word) + 3:
                raise ValidationError(
                    _("Kata sandi ini mudah ditebak (berisi '%(word)s'). Gunakan kalimat pendek "
                      "yang hanya Anda ketahui, paling sedikit 12 karakter."),
                    code="password_local_word",
                    params={"word": word},
                )  # fmt: skip

    def get_help_text(self):
        return _("Kata sandi tidak boleh berupa kata umum seperti 'sandi', 'bpjs' atau 'admin'.")
