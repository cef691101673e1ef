"""Follow-ups still open after their due date are listed as overdue; closing them is recorded."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mou.models import FollowUp
from mou.selectors import follow_ups_overdue
from mou.services import follow_up_close
from tests import factories

TODAY = date(2026, 3, 1)


@pytest.fixture
def follow_ups(world):
    meeting = factories.MonitoringMeetingFactory(held_on=date(2025, 11, 1))
    make = factories.FollowUpFactory
    return {
        "late": make(meeting=meeting, description="Anggarkan iuran", due_on=date(2026, 1, 31)),
        "later": make(meeting=meeting, description="Rekonsiliasi", due_on=date(2026, 2, 28)),
        "due_today": make(meeting=meeting, due_on=TODAY),
        "no_date": make(meeting=meeting, due_on=None),
        "done": make(
            meeting=meeting,
            due_on=date(2026, 1, 1),
            status=FollowUp.Status.DONE,
            closed_on=date(2026, 1, 5),
        ),
        "buton": make(meeting__regency=world.buton, due_on=date(2025, 12, 1)),
    }


def test_follow_ups_past_due_are_listed_oldest_first(follow_ups, province_admin):
    overdue = follow_ups_overdue(user=province_admin, today=TODAY)
    assert list(overdue) == [follow_ups["buton"], follow_ups["late"], follow_ups["later"]]


def test_the_list_keeps_to_the_users_scope(follow_ups, sekda):
    assert list(follow_ups_overdue(user=sekda, today=TODAY)) == [
        follow_ups["late"],
        follow_ups["later"],
    ]


def test_the_admin_lists_overdue_follow_ups(client, follow_ups, sekda):
    client.force_login(sekda)
    response = client.get(reverse("admin:mou_followup_changelist"), {"overdue": "yes"})
    # The admin filter reads today's date (WITA); every due date above is in the past.
    assert set(response.context["cl"].queryset) == {
        follow_ups["late"],
        follow_ups["later"],
        follow_ups["due_today"],
    }


def test_closing_a_follow_up_takes_it_off_the_list(follow_ups, sekda):
    follow_up_close(follow_up=follow_ups["late"], on=date(2026, 2, 20), by=sekda)
    late = FollowUp.objects.get(pk=follow_ups["late"].pk)
    assert (late.status, late.closed_on) == ("done", date(2026, 2, 20))
    assert late.history.latest().history_user == sekda
    assert follow_ups["late"] not in follow_ups_overdue(user=sekda, today=TODAY)


def test_a_closed_follow_up_cannot_be_closed_again(follow_ups, sekda):
    with pytest.raises(ValidationError) as exc:
        follow_up_close(follow_up=follow_ups["done"], by=sekda)
    assert exc.value.messages == ["Tindak lanjut ini sudah berstatus selesai."]


def test_the_admin_action_closes_the_selected_follow_ups(client, follow_ups, sekda):
    client.force_login(sekda)
    client.post(
        reverse("admin:mou_followup_changelist"),
        {"action": "close_selected", "_selected_action": [follow_ups["late"].pk]},
    )
    assert FollowUp.objects.get(pk=follow_ups["late"].pk).status == FollowUp.Status.DONE


def test_the_meeting_list_counts_open_and_overdue_follow_ups(client, follow_ups, sekda):
    client.force_login(sekda)
    response = client.get(reverse("admin:mou_monitoringmeeting_changelist"))
    [meeting] = response.context["cl"].result_list
    assert (meeting.open_count, meeting.overdue_count) == (4, 3)
