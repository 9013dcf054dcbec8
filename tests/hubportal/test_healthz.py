import json
from unittest import mock

from django.db import DatabaseError


def test_healthz_reports_database_broker_and_cache(client, db):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert body["database"] == "ok" and body["cache"] == "ok"
    assert body["broker"] in {"ok", "unreachable"}
    assert response.status_code == 200


def test_healthz_is_503_when_the_database_is_unreachable(client, db):
    with mock.patch("hubportal.insights.views.connection.cursor", side_effect=DatabaseError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unreachable"


def test_healthz_reports_a_dead_broker_without_failing(client, db):
    with mock.patch("hubportal.insights.views.celery_app.connection_for_write", side_effect=OSError("refused")):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "degraded",
        "database": "ok",
        "broker": "unreachable",
        "cache": "ok",  # the tests' cache is in-process
    }


def test_livez_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/livez")
    assert (response.status_code, response.content) == (200, b"ok")
