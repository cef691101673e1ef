from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from bpjs_tracker.querysets import ScopedQuerySet
from bpjs_tracker.roles import TREASURER_ROLES, Role, scope_for


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True


class UserQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The provincial administrator sees every account; anyone else only their own."""
        scope = scope_for(user)
        if scope is None:
            return self.none()
        if scope.is_province:
            return self
        return self.filter(pk=user.pk)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in: one role and the scope that role needs."""

    role = models.CharField(_("peran"), max_length=32, choices=Role.choices, blank=True)
    work_units = models.ManyToManyField(
        "regencies.WorkUnit",
        verbose_name=_("unit kerja"),
        blank=True,
        related_name="treasurers",
        help_text=_("Untuk bendahara: unit kerja (OPD atau desa) yang menjadi tanggung jawabnya."),
    )
    regency = models.ForeignKey(
        "regencies.Regency",
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Untuk Sekda dan stafnya."),
    )
    branch_office = models.ForeignKey(
        "regencies.BranchOffice",
        verbose_name=_("kantor cabang"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("Untuk staf BPJS Ketenagakerjaan."),
    )
    history = HistoricalRecords(
        excluded_fields=["password", "last_login"], m2m_fields=[work_units], user_related_name="+"
    )

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = pgettext_lazy("plural", "pengguna")

    @property
    def display_name(self) -> str:
        """The user as people call them, everywhere a name is shown: full name, else the
        user name."""
        return self.get_full_name() or self.get_username()

    def clean(self):
        super().clean()
        if self.role == Role.SEKDA and self.regency_id is None:
            raise ValidationError({"regency": _("Sekda harus diberi satu kabupaten/kota.")})
        if self.role == Role.BRANCH_STAFF and self.branch_office_id is None:
            raise ValidationError({"branch_office": _("Staf cabang harus diberi kantor cabang.")})
        if self.role not in (Role.SEKDA,) and self.regency_id is not None:
            raise ValidationError({"regency": _("Hanya Sekda yang diberi kabupaten/kota.")})
        if self.role != Role.BRANCH_STAFF and self.branch_office_id is not None:
            raise ValidationError(
                {"branch_office": _("Hanya staf cabang yang diberi kantor cabang.")}
            )

    @property
    def is_treasurer(self) -> bool:
        return self.role in TREASURER_ROLES
