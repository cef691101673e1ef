"""Everyone who may see a bill sees its lines (#12), on a paginated page of their own (#13).

No role held a permission on the line model (lines are computed), so the bill page showed
totals without a single line to every role but the superuser.
"""

from datetime import date

import pytest
from django.urls import reverse

from bpjs_tracker.roles import Role
from enrollment.billing.services import bills_generate
from tests.enrollment.billing_helpers import bill_of, verified_roster

JAN = date(2025, 1, 1)


@pytest.mark.parametrize(
    "role", [Role.OPD_TREASURER, Role.BRANCH_STAFF, Role.SEKDA, Role.PROVINCE_ADMIN]
)
def test_the_bill_page_lists_each_workers_line(world, client, role):
    roster = verified_roster(world.kdi_dlhk, JAN, [2_500_000, 2_700_000])
    bills_generate(period=JAN, regency=world.kendari)
    niks = list(roster.entries.values_list("worker__nik", flat=True))
    client.force_login(world.user(role))

    bill = bill_of(world.kdi_dlhk, JAN)
    page = client.get(reverse("admin:enrollment_bill_change", args=[bill.pk])).content.decode()
    lines_url = f"{reverse('admin:enrollment_billline_changelist')}?bill__id__exact={bill.pk}"
    assert lines_url.replace("&", "&amp;") in page

    lines = client.get(lines_url)

    assert lines.status_code == 200
    content = lines.content.decode()
    assert all(nik in content for nik in niks)
    assert "Rp 2.700.000" in content
