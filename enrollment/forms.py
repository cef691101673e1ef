"""Forms of the roster pages in the admin: upload (unit, month, file), return, KPJ file."""

from datetime import date

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.translation import gettext_lazy as _

from bpjs_tracker.uploads import validate_upload_size
from enrollment.models import Roster
from regencies.models import WorkUnit

# Up to this many units, a plain list; beyond it (branch staff, the province: hundreds of
# villages) a box that searches the user's units by code or name as they type.
PLAIN_CHOICES_UP_TO = 12

ACCEPT = ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"


class MonthField(forms.DateField):
    """A month as YYYY-MM (the browser's month picker), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%m-%Y", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Tulis bulan sebagai YYYY-MM, misalnya 2025-01.")}

    def to_python(self, value) -> date | None:
        value = super().to_python(value)
        return value.replace(day=1) if value else value


class RosterUploadForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit kerja"), queryset=WorkUnit.objects.none(), empty_label=None
    )
    period = MonthField(label=_("Bulan"), help_text=_("Bulan roster, misalnya 2025-01."))
    file = forms.FileField(
        label=_("Berkas roster"),
        help_text=_("Excel (.xlsx) atau CSV, dengan judul kolom seperti templat."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        validators=[validate_upload_size],
        max_length=255,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = WorkUnit.objects.visible_to(user).filter(is_active=True).order_by("code")
        field = self.fields["unit"]
        count = units.count()
        if count > PLAIN_CHOICES_UP_TO:
            # Searches through WorkUnitAdmin (scoped; active units only for a roster's unit).
            field.widget = AutocompleteSelect(Roster._meta.get_field("unit"), admin.site)
        field.queryset = units  # after the widget: the widget takes its choices from it
        if count > 1:
            field.empty_label = _("— pilih unit —")


class RosterReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pengembalian"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Apa yang harus diperbaiki bendahara sebelum mengunggah ulang."),
    )


class KpjUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas NIK → KPJ"),
        help_text=_("Excel (.xlsx) atau CSV dengan kolom NIK dan KPJ (kolom Nama boleh ada)."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        validators=[validate_upload_size],
        max_length=255,
    )
