"""The mou changelists run a fixed number of queries, however many rows they show (no N+1)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories


def _rows(world, n):
    for i in range(n):
        regency = world.kendari if i % 2 else world.konut
        agreement = factories.AgreementFactory(regency=regency, valid_until=date(2027, 1, 1))
        factories.AgreementSignatoryFactory(agreement=agreement)
        factories.AgreementSegmentFactory(agreement=agreement)
        factories.RegionalRegulationFactory(regency=regency, programmes=["JKK", "JKM"])
        meeting = factories.MonitoringMeetingFactory(regency=regency)
        factories.FollowUpFactory(meeting=meeting)
        factories.FollowUpFactory(meeting=meeting, due_on=date(2020, 1, 1))


CHANGELISTS = ["agreement", "regionalregulation", "monitoringmeeting", "followup"]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(
    client, world, branch_staff, model, django_assert_max_num_queries
):
    url = reverse(f"admin:mou_{model}_changelist")
    client.force_login(branch_staff)
    _rows(world, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _rows(world, 8)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert len(response.context["cl"].result_list) >= 9
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
