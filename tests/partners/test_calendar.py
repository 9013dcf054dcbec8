from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from partners.calendar import _fold, ics_filename, meeting_ics
from tests.partners.factories import MeetingFactory

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def meeting(partner_a, staff):
    meeting = MeetingFactory(
        partner=partner_a,
        scheduled_by=staff,
        starts_at=datetime(2027, 6, 14, 10, 30, tzinfo=LONDON),
        duration_minutes=90,
        location="County Hall, Glenfield; Room 4",
        online_link="https://meet.example/abc",
    )
    meeting.hlo_representatives.set([staff])
    return meeting


def test_the_event_is_in_utc_with_its_length_and_place(meeting):
    ics = meeting_ics(meeting)
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20270614T093000Z" in ics  # 10:30 British Summer Time
    assert "DTEND:20270614T110000Z" in ics
    assert "LOCATION:County Hall\\, Glenfield\\; Room 4" in ics
    assert "URL:https://meet.example/abc" in ics
    assert "SUMMARY:Introductory meeting: Partner A Music and Leicestershire Music" in ics
    assert f"UID:partner-meeting-{meeting.pk}@" in ics
    assert "STATUS:CONFIRMED" in ics
    assert ics_filename(meeting) == "introductory-meeting-2027-06-14.ics"


def test_a_cancelled_meeting_says_so(meeting):
    assert "STATUS:CANCELLED" in meeting_ics(meeting, cancelled=True)


def test_long_lines_are_folded_at_75_octets():
    line = "DESCRIPTION:" + "é" * 100
    folded = _fold(line)
    parts = folded.split("\r\n ")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert "".join(parts) == line
