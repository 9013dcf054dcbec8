"""Tokens in URL paths (a complaint's tracking link, an invitation, a password
reset) never reach the logs or the audit table."""

import io
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from hubportal.models import AuditEvent
from hubportal.security.audit import audit
from hubportal.security.redaction import HIDDEN, RedactingGunicornLogger, RedactTokensFilter, redact

# Fixed, so that every pytest-xdist worker collects the same test ids.
TOKEN = "FKkpHG48dAciz6qknZBy_wFwTeKHJAvF6HCgisIxVwU"


@pytest.mark.parametrize(
    "path, kept",
    [
        (f"/complaints/track/{TOKEN}/", "/complaints/track/"),
        (f"/complaints/track/{TOKEN}/escalate/", "/escalate/"),
        (f"/invitation/MTI/{TOKEN}/", "/invitation/"),
        (f"/accounts/reset/MTI/{TOKEN}/", "/accounts/reset/"),
    ],
)
def test_a_token_in_a_path_is_hidden_and_the_rest_kept(path, kept):
    assert TOKEN not in redact(path)
    assert HIDDEN in redact(path)
    assert kept in redact(path)


def test_paths_without_tokens_are_left_alone():
    assert redact("/staff/partners/12/") == "/staff/partners/12/"


@pytest.fixture
def console_log():
    """What the configured console handler writes, as production's logs would hold it."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RedactTokensFilter) for f in h.filters))
    stream, previous = io.StringIO(), handler.stream
    handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.django_db
def test_a_refused_tracking_link_logs_no_token(client, console_log):
    response = client.get(f"/complaints/track/{TOKEN}/")

    assert response.status_code == 404
    assert "Not Found: /complaints/track/" in console_log.getvalue()
    assert TOKEN not in console_log.getvalue()


@pytest.mark.django_db
def test_an_audit_row_keeps_the_path_without_its_token(rf):
    audit(rf.get(f"/invitation/MTI/{TOKEN}/"), "refused", status=404)

    assert AuditEvent.objects.get().path == f"/invitation/{HIDDEN}/"


def test_gunicorns_access_log_hides_the_token_in_the_request_line_and_referer():
    logger = RedactingGunicornLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/complaints/track/{TOKEN}/",
        "PATH_INFO": f"/complaints/track/{TOKEN}/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://portal.example.org/complaints/track/{TOKEN}/",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])

    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))

    assert TOKEN not in " ".join(str(value) for value in atoms.values())
    assert atoms["r"] == f"GET /complaints/track/{HIDDEN}/ HTTP/1.1"
