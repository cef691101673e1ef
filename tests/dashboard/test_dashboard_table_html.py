"""The dashboard table's rows, written in Python (dashboard/rows.py), equal what the template
they replaced (templates/admin/dashboard/row.html, one include per row) wrote, cell by cell,
for every role, in both languages; and each row's links equal the ones resolved one by one."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone, translation

from bpjs_tracker.roles import Role
from mou.models import RegionalRegulation
from tests import factories
from tests.dashboard.test_coverage_table_small_world import small_world  # noqa: F401

pytestmark = pytest.mark.django_db
MARCH = "2025-03"

# templates/admin/dashboard/row.html as it was, for the comparison.
OLD_ROW = """{% load i18n rupiah %}<tr{% if total %} class="total"{% endif %}>
  <td>{{ row.code }}</td>
  <td>{% if total %}{% translate "Jumlah" %}{% elif links.name %}<a href="{{ links.name }}">{{ row.name }}</a>{% else %}{{ row.name }}{% endif %}</td>
  <td class="n">{{ row.target|default_if_none:"–" }}</td>
  <td class="n">{% if links %}<a href="{{ links.covered }}">{{ row.covered }}</a>{% else %}{{ row.covered }}{% endif %}</td>
  <td class="n">{% if row.coverage_pct is not None %}{{ row.coverage_pct }}%{% else %}–{% endif %}</td>
  <td class="n">{% if links %}<a href="{{ links.units }}">{{ row.units }}</a>{% else %}{{ row.units }}{% endif %}</td>
  <td class="n">{% if links %}<a href="{{ links.units_verified }}">{{ row.units_verified }}</a>{% else %}{{ row.units_verified }}{% endif %}</td>
  <td class="n">{% if links %}<a href="{{ links.units_submitted }}">{{ row.units_submitted }}</a>{% else %}{{ row.units_submitted }}{% endif %}</td>
  <td class="n">{% if links %}<a href="{{ links.units_returned }}">{{ row.units_returned }}</a>{% else %}{{ row.units_returned }}{% endif %}</td>
  <td class="n">{{ row.units_missing }}</td>
  <td class="n">{% if row.paid_on_time_pct is not None %}{% if links %}<a href="{{ links.paid_on_time_pct }}">{{ row.paid_on_time_pct }}%</a>{% else %}{{ row.paid_on_time_pct }}%{% endif %}{% else %}–{% endif %}</td>
  <td class="n">{% if links %}<a href="{{ links.units_paid_full_year }}">{{ row.units_paid_full_year }}</a>{% else %}{{ row.units_paid_full_year }}{% endif %}</td>
  <td class="n">{% if links %}<a href="{{ links.arrears }}">{{ row.arrears|rupiah }}</a>{% else %}{{ row.arrears|rupiah }}{% endif %}</td>
  <td class="n">{% if links %}<a href="{{ links.units_in_arrears }}">{{ row.units_in_arrears }}</a>{% else %}{{ row.units_in_arrears }}{% endif %}</td>
  <td class="n">{{ row.bpu_inactive }}</td>
  <td class="n">{{ row.double_enrolments }}</td>
  <td class="n">{% if links %}<a href="{{ links.claims_open }}">{{ row.claims_open }}</a>{% else %}{{ row.claims_open }}{% endif %}</td>
  <td class="n">{% if links %}<a href="{{ links.claims_paid }}">{{ row.claims_paid }}</a>{% else %}{{ row.claims_paid }}{% endif %}</td>
  <td class="n">{% if links %}<a href="{{ links.claims_late }}">{{ row.claims_late }}</a>{% else %}{{ row.claims_late }}{% endif %}</td>
  <td>{% if not total %}{% if row.agreement == "in_force" %}{% translate "berlaku" %}{% elif row.agreement == "expiring" %}{% translate "berakhir ≤ 90 hari" %}{% else %}{% translate "tidak ada" %}{% endif %}{% endif %}</td>
  <td>{% if not total %}{% if row.has_perda %}{% translate "ada" %}{% else %}{% translate "tidak" %}{% endif %}{% endif %}</td>
</tr>"""  # noqa: E501


def _admin_list(name: str, **params) -> str:
    return reverse(f"admin:{name}_changelist") + "?" + urlencode(params)


def old_row_links(row, period) -> dict[str, str]:
    """views.row_links as it was: every address resolved and encoded per row."""
    month = {"period__year": period.year, "period__month": period.month}
    if row.level == "regency":
        where = {"regency": row.code}
        drill = (
            reverse("admin:index")
            + "?"
            + urlencode({"regency": row.code, "period": f"{period:%Y-%m}"})
        )
        units = _admin_list("regencies_workunit", regency=row.code, is_active__exact=1)
    else:
        where = {"q": row.code}
        drill = _admin_list("enrollment_roster", unit__id__exact=row.id)
        units = _admin_list("regencies_workunit", q=row.code)
    return {
        "name": drill,
        "units": units,
        "covered": _admin_list("enrollment_membership", **where),
        "units_verified": _admin_list("enrollment_roster", status="verified", **where, **month),
        "units_submitted": _admin_list("enrollment_roster", status="submitted", **where, **month),
        "units_returned": _admin_list("enrollment_roster", status="returned", **where, **month),
        "arrears": _admin_list("enrollment_bill", **where),
        "units_in_arrears": reverse("admin:enrollment_bill_arrears"),
        "paid_on_time_pct": _admin_list("enrollment_bill", **where, **month),
        "units_paid_full_year": _admin_list("enrollment_bill", **where, period__year=period.year),
        "claims_open": _admin_list("claims_claim", terlambat="open", **where),
        "claims_paid": _admin_list("claims_claim", status="paid", **where),
        "claims_late": _admin_list("claims_claim", terlambat="late", **where),
    }


def table_body(html: str) -> str:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def cells(fragment: str) -> list[list[str]]:
    """Each row's cells as HTML, whitespace between tags normalised (parse_html)."""
    document = parse_html(f"<table>{fragment}</table>")
    table = document.children[0] if document.name is None else document
    return [[str(cell) for cell in tr.children] for tr in table.children]


@pytest.fixture
def richer_world(small_world):  # noqa: F811
    """The hand-computed world, plus what the table writes in words or escapes: an agreement
    expiring (Kendari) and one in force (Konawe Utara), a Perda, and a unit whose code and
    name need escaping."""
    today = timezone.localdate()
    factories.AgreementFactory(regency=small_world.kendari, valid_until=today + timedelta(30))
    factories.AgreementFactory(regency=small_world.konut)  # in force, no end
    factories.RegionalRegulationFactory(
        regency=small_world.kendari, kind=RegionalRegulation.Kind.PERDA
    )
    small_world.kdi_satpol.name = 'Satpol PP & "Damkar" <Kota>'
    small_world.kdi_satpol.save()
    factories.OpdFactory(regency=small_world.kendari, code="74.71-A&B", name="Dinas A&B")
    return small_world


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("role", list(Role))
def test_dashboard_table_html_equals_the_old_row_template(client, richer_world, role, language):
    client.force_login(richer_world.user(role))
    client.cookies["django_language"] = language
    page = client.get(reverse("admin:index"), {"period": MARCH})
    assert page.status_code == 200
    rows = page.context["rows"]
    table = page.context["table"]
    assert rows, "every role's table has rows"
    with translation.override(language):
        template = Template(OLD_ROW)
        expected = "".join(
            template.render(Context({"row": row, "links": old_row_links(row, table.period)}))
            for row, _links in rows
        ) + template.render(Context({"row": table.total, "links": None, "total": True}))
    for row, links in rows:
        assert links == old_row_links(row, table.period)
    assert cells(table_body(page.content.decode())) == cells(expected)
    if role == Role.PROVINCE_ADMIN:  # the words of every agreement state and the Perda
        shown = {row.code: (row.agreement, row.has_perda) for row, _links in rows}
        assert shown["74.71"] == ("expiring", True) and shown["74.09"] == ("in_force", False)


def test_dashboard_table_html_sorted_rows_keep_their_own_links(client, richer_world):
    client.force_login(richer_world.user(Role.SEKDA))
    page = client.get(reverse("admin:index"), {"period": MARCH, "sort": "-code"})
    codes = [row.code for row, _links in page.context["rows"]]
    assert codes == sorted(codes, reverse=True)
    for row, links in page.context["rows"]:
        assert links == old_row_links(row, page.context["table"].period)
    assert 'href="/admin/enrollment/membership/?q=74.71-A%26B">' in page.content.decode()
    assert "Satpol PP &amp; &quot;Damkar&quot; &lt;Kota&gt;" in page.content.decode()


OLD_HEAD = """{% for attr, header in columns %}
      <th scope="col" class="{% if attr != 'code' and attr != 'name' and attr != 'agreement' and attr != 'has_perda' %}n{% endif %}">
        <a href="?{{ query }}&amp;sort={% if sort == attr %}-{% endif %}{{ attr }}">{{ header }}{% if sort == attr %} ▲{% elif sort == "-"|add:attr %} ▼{% endif %}</a></th>
      {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("sort", ["", "code", "-covered", "coverage_pct", "bogus"])
def test_dashboard_table_head_equals_the_old_header_loop(client, world, sort):
    client.force_login(world.user(Role.PROVINCE_ADMIN))
    page = client.get(reverse("admin:index"), {"period": MARCH, "sort": sort, "regency": ""})
    html = page.content.decode()
    head = html.split("<thead><tr>", 1)[1].split("</tr></thead>", 1)[0]
    expected = Template(OLD_HEAD).render(
        Context({"columns": page.context["columns"], "sort": sort,
                 "query": page.context["query"]})
    )  # fmt: skip
    assert cells(f"<tr>{head}</tr>") == cells(f"<tr>{expected}</tr>")
    assert ("▲" in head) == (sort in {"code", "coverage_pct"})
    assert ("▼" in head) == (sort == "-covered")
