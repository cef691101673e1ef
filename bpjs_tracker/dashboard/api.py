"""Read-only JSON API for the dashboard's figures (docs/api.md), scoped like every page.

Django REST framework, session or token authentication. The views call the same
selector as the dashboard and `coverage_report`; an object outside the user's
scope answers 404 like a missing one.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from bpjs_tracker.dashboard.selectors import coverage_table
from enrollment.management.contract import PERIOD_RE
from enrollment.summary import this_month
from regencies.models import Regency


class RowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    target = serializers.IntegerField(allow_null=True)
    covered = serializers.IntegerField()
    coverage_pct = serializers.FloatField(allow_null=True)
    on_roster = serializers.IntegerField()
    units = serializers.IntegerField()
    units_verified = serializers.IntegerField()
    units_submitted = serializers.IntegerField()
    units_returned = serializers.IntegerField()
    units_missing = serializers.IntegerField()
    units_paid_full_year = serializers.IntegerField()
    bills = serializers.IntegerField()
    bills_paid_on_time = serializers.IntegerField()
    paid_on_time_pct = serializers.FloatField(allow_null=True)
    arrears = serializers.IntegerField()
    units_in_arrears = serializers.IntegerField()
    bpu_inactive = serializers.IntegerField()
    double_enrolments = serializers.IntegerField()
    claims_open = serializers.IntegerField()
    claims_paid = serializers.IntegerField()
    claims_late = serializers.IntegerField()
    agreement = serializers.CharField()
    has_perda = serializers.BooleanField()


def _period(request):
    text = request.query_params.get("period")
    if text is None:
        return this_month()
    match = PERIOD_RE.match(text.strip())
    if not match:
        raise ValidationError({"period": f"Periode '{text}' tidak sah: tulis YYYY-MM."})
    from datetime import date

    return date(int(match.group(1)), int(match.group(2)), 1)


def _payload(table) -> dict:
    return {
        "period": f"{table.period:%Y-%m}",
        "level": table.level,
        "regency": table.regency.code if table.regency else None,
        "at_risk": table.at_risk,
        "rows": RowSerializer(table.rows, many=True).data,
        "total": RowSerializer(table.total).data,
    }


class CoverageView(APIView):
    """GET /api/coverage/?period=YYYY-MM: one row per regency of the scope (a Sekda's: units)."""

    def get(self, request):
        table = coverage_table(user=request.user, period=_period(request))
        return Response(_payload(table))


class RegencyUnitsView(APIView):
    """GET /api/coverage/<code>/units/?period=YYYY-MM: the regency's units (drill-down)."""

    def get(self, request, code):
        regency = get_object_or_404(Regency.objects.visible_to(request.user), code=code)
        table = coverage_table(
            user=request.user, period=_period(request), regency=regency, by_unit=True
        )
        return Response(_payload(table))
