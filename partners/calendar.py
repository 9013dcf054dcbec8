"""The introductory meeting as an iCalendar (.ics) event (RFC 5545), written
by hand: one event is a few lines and needs no library."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from hubportal.core.hub import current_hub
from partners.models import Meeting

ICS_MIMETYPE = "text/calendar"


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_ics(meeting: Meeting, *, cancelled: bool = False) -> str:
    """The meeting as a calendar event; the same UID each time, so a
    rescheduled meeting's new invitation replaces the old one."""
    hub = current_hub()
    host = urlsplit(settings.SITE_URL).hostname or "hubportal"
    ends_at = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
    representatives = ", ".join(str(u) for u in meeting.hlo_representatives.all())
    description = [f"Introductory meeting with {hub.lead_organisation}, the Hub Lead Organisation."]
    if representatives:
        description.append(f"From {hub.lead_organisation}: {representatives}.")
    if meeting.online_link:
        description.append(f"Join online: {meeting.online_link}")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{hub.name}//Hub Portal//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:partner-meeting-{meeting.pk}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(ends_at)}",
        f"SUMMARY:{_escape(f'Introductory meeting: {meeting.partner.name} and {hub.lead_organisation}')}",
        f"DESCRIPTION:{_escape(chr(10).join(description))}",
    ]
    location = meeting.location or meeting.online_link
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    if meeting.online_link:
        lines.append(f"URL:{meeting.online_link}")
    lines += [f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}", "END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def ics_filename(meeting: Meeting) -> str:
    return f"introductory-meeting-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.ics"
