"""Admin pages over a province's rows: queries that do not grow with the rows, NIK searches an index serves.

Issue #13: the bill page ran two queries per line (BillLine.__str__ through an
unpaginated inline), and NIK searches were `UPPER(...) LIKE '%…%'` over joined
tables. The query ceilings below are what each page takes with a handful of rows;
the same ceiling must hold with ten times as many.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bpjs_tracker.admin import digit_prefix_range
from bpjs_tracker.roles import Role
from enrollment.billing.services import bills_generate
from enrollment.models import Membership, RosterEntry, Worker
from tests import factories
from tests.enrollment.billing_helpers import bill_of, verified_roster

JAN = date(2025, 1, 1)


@pytest.mark.parametrize(
    ("prefix", "bounds"),
    [
        ("7471", ("7471", "7472")),
        ("7479", ("7479", "748")),
        ("74799", ("74799", "748")),
        ("7", ("7", "8")),
        ("999", ("999", None)),
        ("0", ("0", "1")),
    ],
)
def test_digit_prefix_range(prefix, bounds):
    assert digit_prefix_range(prefix) == bounds


def _get(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response, queries


def _bill_with_lines(world, count):
    roster = verified_roster(world.kdi_dlhk, JAN, [2_750_000 + i for i in range(count)])
    bills_generate(period=roster.period, regency=world.kendari)
    return bill_of(world.kdi_dlhk, JAN)


@pytest.mark.parametrize("lines", [3, 40])
def test_bill_page_queries_do_not_grow_with_its_lines(
    world, client, django_assert_max_num_queries, lines
):
    bill = _bill_with_lines(world, lines)
    client.force_login(world.user(Role.SEKDA))

    with django_assert_max_num_queries(14):
        response = client.get(reverse("admin:enrollment_bill_change", args=[bill.pk]))

    assert response.status_code == 200
    lines_url = f"{reverse('admin:enrollment_billline_changelist')}?bill__id__exact={bill.pk}"
    assert lines_url in response.content.decode()
    assert bill.lines.first().nik not in response.content.decode()  # not inlined


@pytest.mark.parametrize("lines", [3, 40])
def test_bill_lines_page_is_paginated_with_a_fixed_number_of_queries(
    world, client, django_assert_max_num_queries, lines
):
    bill = _bill_with_lines(world, lines)
    other = verified_roster(world.buton_opd, JAN, [2_750_000])
    bills_generate(period=JAN, regency=world.buton)
    client.force_login(world.user(Role.SEKDA))

    with django_assert_max_num_queries(10):
        response = client.get(
            reverse("admin:enrollment_billline_changelist"), {"bill__id__exact": bill.pk}
        )

    assert response.status_code == 200
    shown = {line.nik for line in response.context["cl"].result_list}
    assert shown == set(bill.lines.values_list("nik", flat=True))
    assert other.entries.get().worker.nik not in shown  # out of the Sekda's scope


def test_bill_line_text_needs_no_query(world, django_assert_num_queries):
    bill = _bill_with_lines(world, 1)
    line = bill.lines.get()
    with django_assert_num_queries(0):
        text = str(line)
    assert text == f"Iuran {line.nik}: {line.amount}"


def _entries(world, count, serial=0):
    roster = factories.RosterFactory(unit=world.kdi_dlhk, period=date(2025, 1 + serial, 1))
    workers = [
        factories.WorkerFactory(nik=factories.make_nik(serial * 1000 + i)) for i in range(count)
    ]
    RosterEntry.objects.bulk_create(
        RosterEntry(roster=roster, worker=w, row_number=i + 2, segment="non_asn", wage=1,
                    start_date=JAN)
        for i, w in enumerate(workers)
    )  # fmt: skip
    return roster


ENTRY_PAGES = [
    "admin:enrollment_rosterentry_changelist",
    "admin:enrollment_worker_changelist",
    "admin:enrollment_membership_changelist",
]


@pytest.mark.parametrize("page", ENTRY_PAGES)
def test_roster_pages_take_as_many_queries_for_many_rows_as_for_few(world, client, page):
    client.force_login(world.user(Role.PROVINCE_ADMIN))
    roster = _entries(world, 3)
    for entry in roster.entries.all():
        factories.MembershipFactory(worker=entry.worker, unit=world.kdi_dlhk)
    _response, few = _get(client, reverse(page))

    roster = _entries(world, 40, serial=1)
    for entry in roster.entries.all():
        factories.MembershipFactory(worker=entry.worker, unit=world.kdi_dlhk)
    response, many = _get(client, reverse(page))

    assert len(response.context["cl"].result_list) == 43
    assert len(many) == len(few)


def _searched(client, url, term):
    response, queries = _get(client, url, {"q": term})
    sql = " ".join(q["sql"] for q in queries).upper()
    assert "LIKE" not in sql  # no pattern match an index cannot serve
    return response


@pytest.mark.parametrize(
    ("url_name", "nik_of"),
    [
        ("admin:enrollment_rosterentry_changelist", lambda row: row.worker.nik),
        ("admin:enrollment_worker_changelist", lambda row: row.nik),
        ("admin:enrollment_membership_changelist", lambda row: row.worker.nik),
    ],
)
def test_nik_search_is_exact_or_a_prefix_range(world, client, url_name, nik_of):
    client.force_login(world.user(Role.SEKDA))
    a = factories.WorkerFactory(nik="7471011708900001")
    b = factories.WorkerFactory(nik="7471011708900002")
    c = factories.WorkerFactory(nik="7471021708900003")
    roster = factories.RosterFactory(unit=world.kdi_dlhk, period=JAN)
    for row, worker in enumerate((a, b, c)):
        factories.RosterEntryFactory(roster=roster, worker=worker, row_number=row + 2)
        factories.MembershipFactory(worker=worker, unit=world.kdi_dlhk)
    url = reverse(url_name)

    exact = _searched(client, url, "7471011708900002")
    prefix = _searched(client, url, " 74710117 ")
    none = _searched(client, url, "7472")

    assert {nik_of(r) for r in exact.context["cl"].result_list} == {b.nik}
    assert [nik_of(r) for r in prefix.context["cl"].result_list] == [a.nik, b.nik]  # by NIK
    assert list(none.context["cl"].result_list) == []


def test_name_search_still_searches_names(world, client):
    client.force_login(world.user(Role.PROVINCE_ADMIN))
    factories.WorkerFactory(name="Wa Ode Nurhayati")
    factories.WorkerFactory(name="La Ode Budi")

    response, _queries = _get(client, reverse("admin:enrollment_worker_changelist"), {"q": "nurha"})

    assert [w.name for w in response.context["cl"].result_list] == ["Wa Ode Nurhayati"]


def test_a_kpj_finds_its_membership_and_other_digits_are_a_nik_prefix(world, client):
    client.force_login(world.user(Role.BRANCH_STAFF))
    worker = factories.WorkerFactory(nik="7471011708900001")
    factories.MembershipFactory(worker=worker, unit=world.kdi_dlhk, kpj="12345678901")
    other = factories.WorkerFactory(nik="1234567890123456")
    factories.MembershipFactory(worker=other, unit=world.kdi_dlhk)
    url = reverse("admin:enrollment_membership_changelist")

    by_kpj, _q = _get(client, url, {"q": "12345678901"})
    by_prefix, _q = _get(client, url, {"q": "12345678901234"})

    assert [m.worker for m in by_kpj.context["cl"].result_list] == [worker]
    assert [m.worker for m in by_prefix.context["cl"].result_list] == [other]
    assert Membership.objects.filter(kpj="12345678901").count() == 1
    assert Worker.objects.count() == 2


def test_entry_list_has_no_date_hierarchy_and_filters_by_month(world, client):
    client.force_login(world.user(Role.PROVINCE_ADMIN))
    _entries(world, 2)
    february = _entries(world, 3, serial=1)

    response, _q = _get(
        client, reverse("admin:enrollment_rosterentry_changelist"), {"periode": "2025-02"}
    )

    assert response.context["cl"].date_hierarchy is None
    assert {e.roster_id for e in response.context["cl"].result_list} == {february.pk}
    assert len(response.context["cl"].result_list) == 3


def test_monthly_changes_page_shows_its_lines_in_pages(world, client, monkeypatch):
    monkeypatch.setattr("enrollment.admin.CHANGES_PER_PAGE", 10)
    client.force_login(world.user(Role.SEKDA))
    roster = _entries(world, 25)  # a first roster: 25 joined
    url = reverse("admin:enrollment_roster_changes", args=[roster.pk])

    first, _q = _get(client, url)
    last, _q = _get(client, url, {"p": 3})

    assert first.context["changes"].joined == 25
    assert len(first.context["page"].object_list) == 10
    assert len(last.context["page"].object_list) == 5
    assert "Halaman 3 dari 3" in last.content.decode()


@pytest.mark.parametrize("doubles", [1, 30])
def test_double_enrolments_take_two_queries_however_many(world, doubles, django_assert_num_queries):
    from enrollment.selectors import roster_double_enrolments

    mine = _entries(world, 40)
    other = factories.RosterFactory(unit=world.kdi_satpol, period=mine.period)
    for entry in mine.entries.order_by("row_number")[:doubles]:
        factories.RosterEntryFactory(roster=other, worker=entry.worker)

    with django_assert_num_queries(2):
        lines = roster_double_enrolments(roster=mine)

    assert len(lines) == doubles
    assert lines[0].units == ((world.kdi_satpol.code, world.kdi_satpol.name),)


def test_roster_page_says_verification_works_all_at_once_and_links_its_entries(world, client):
    client.force_login(world.user(Role.BRANCH_STAFF))
    roster = _entries(world, 3)

    response, _q = _get(client, reverse("admin:enrollment_roster_change", args=[roster.pk]))
    entries, _q = _get(
        client, reverse("admin:enrollment_rosterentry_changelist"), {"roster__id__exact": roster.pk}
    )

    content = response.content.decode()
    assert 'id="verify-working"' in content
    assert "tidak ada yang berubah" in content
    assert f"?roster__id__exact={roster.pk}" in content
    assert len(entries.context["cl"].result_list) == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row estimate")
def test_a_huge_list_filtered_or_not_pages_by_the_planners_estimate_and_says_so(
    world, client, monkeypatch
):
    client.force_login(world.user(Role.PROVINCE_ADMIN))
    _entries(world, 3)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {RosterEntry._meta.db_table}")
    url = reverse("admin:enrollment_rosterentry_changelist")

    def counts(queries):
        return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]

    small, small_queries = _get(client, url, {"segment__exact": "non_asn"})
    assert len(counts(small_queries)) == 1  # below ESTIMATE_FROM: counted exactly
    assert small.context["cl"].result_count == 3
    assert "sekitar" not in small.content.decode()

    monkeypatch.setattr("bpjs_tracker.admin.EstimatedCountPaginator.ESTIMATE_FROM", 1)
    unfiltered, unfiltered_queries = _get(client, url)
    filtered, filtered_queries = _get(client, url, {"segment__exact": "non_asn"})
    assert counts(unfiltered_queries) == counts(filtered_queries) == []
    assert unfiltered.context["cl"].result_count == 3  # ANALYZE saw all three
    assert any("EXPLAIN" in q["sql"] for q in filtered_queries)
    assert filtered.context["cl"].result_count >= 1  # the planner's guess, not a count
    for page in (unfiltered, filtered):
        assert page.context["cl"].paginator.estimated
        assert "sekitar" in page.content.decode()


def test_the_payment_list_sums_allocations_per_row_shown_not_over_every_payment(world, client):
    """The allocated column is a subquery per row: the count and the date hierarchy read the
    payment table alone (a GROUP BY over every payment took 250 ms at 28.800 payments)."""
    from enrollment.billing.payments import payment_record
    from enrollment.models import PaymentAllocation

    for unit in (world.kdi_dlhk, world.kdi_satpol):
        verified_roster(unit, JAN, [2_750_000, 3_000_000])
    bills_generate(period=JAN)
    for index, (unit, amount) in enumerate(
        [(world.kdi_dlhk, 20_000), (world.kdi_dlhk, 50_000), (world.kdi_satpol, 5_000)]
    ):
        payment_record(unit=unit, amount=amount, paid_on=date(2025, 2, 10), reference=f"P{index}")
    client.force_login(world.user(Role.PROVINCE_ADMIN))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:enrollment_payment_changelist"))
    shown = {p.reference: p.allocated or 0 for p in response.context["cl"].result_list}
    expected = {
        reference: sum(
            PaymentAllocation.objects.filter(payment__reference=reference).values_list(
                "amount", flat=True
            )
        )
        for reference in ("P0", "P1", "P2")
    }
    assert shown == expected
    assert shown["P0"] > 0
    grouping_payments = [
        q["sql"]
        for q in queries
        if 'GROUP BY "enrollment_payment"' in q["sql"] or "GROUP BY 1" in q["sql"]
    ]
    assert not grouping_payments
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts and not [sql for sql in counts if "paymentallocation" in sql]


def test_the_upload_list_does_not_read_the_previews_summaries(world, client):
    """A preview's summary can hold a large roster's every change; the list shows none of it."""
    from enrollment.models import RosterUpload

    for month in (1, 2):
        RosterUpload.objects.create(
            unit=world.kdi_dlhk,
            period=date(2025, month, 1),
            file=f"rosters/x{month}.csv",
            summary={"changes": [{"nik": "1" * 16}] * 2000},
        )
    client.force_login(world.user(Role.PROVINCE_ADMIN))
    response, queries = _get(client, reverse("admin:enrollment_rosterupload_changelist"))
    assert len(response.context["cl"].result_list) == 2
    assert not any('"summary"' in q["sql"] for q in queries)
