"""Forms of the claim workflow pages: refusal with a reason, payment to the heir."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ClaimRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penolakan"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Disampaikan kepada ahli waris dan dicatat di riwayat klaim."),
    )


class ClaimPayForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Tanggal bayar"), widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.IntegerField(
        label=_("Jumlah dibayar (Rp)"),
        min_value=1,
        help_text=_("Santunan tunai ditambah kompensasi keterlambatan bila ada."),
    )
    reference = forms.CharField(label=_("Referensi pembayaran"), max_length=100)
    account = forms.CharField(
        label=_("Rekening penerima"), max_length=200, help_text=_("Bank, nomor, atas nama.")
    )
