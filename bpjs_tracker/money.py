"""Money is whole Rupiah (int); this is the one place that formats it: "Rp 42.000.000"."""

from decimal import Decimal


def _group(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def format_rupiah(amount: int | None) -> str:
    """`42000000` → "Rp 42.000.000"; negative amounts (adjustments) → "-Rp 1.500"."""
    if amount is None:
        return ""
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {_group(abs(amount))}"


def format_percent(value: Decimal | int | None) -> str:
    """`Decimal("0.2400")` → "0,24%" (Indonesian decimal comma, no trailing zeros)."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",") + "%"
