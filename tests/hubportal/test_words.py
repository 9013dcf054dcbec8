"""The small helpers for words people read (hubportal.core.words)."""

import pytest
from django.template import Context, Template

from hubportal.core.words import clause, midsentence, plain_note, possessive


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Charnwood Music Collective", "Charnwood Music Collective's"),
        ("Harborough Youth Strings", "Harborough Youth Strings'"),
        ("", "'s"),
    ],
)
def test_possessive(name, expected):
    assert possessive(name) == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Safeguarding policy", "safeguarding policy"),
        ("DBS Update Service subscription", "DBS Update Service subscription"),
        ("Reports to Arts Council England and funders", "reports to Arts Council England and funders"),
    ],
)
def test_midsentence_keeps_proper_names(name, expected):
    assert midsentence(name) == expected


def test_clause_drops_the_full_stop_before_a_colon():
    assert f"{clause('Participants perform in a public concert.')}: 38 performed" == (
        "Participants perform in a public concert: 38 performed"
    )


def test_the_filters_in_a_template():
    template = Template("{% load hub %}{{ name|possessive }} {{ kind|midsentence }}")
    assert template.render(Context({"name": "Harborough Youth Strings", "kind": "Enhanced DBS check"})) == (
        "Harborough Youth Strings&#x27; enhanced DBS check"  # escaped, as HTML shows it
    )


@pytest.mark.parametrize(
    "note, expected",
    [
        (
            "Signed by Ann (Director); SHA-256 " + "a" * 64 + ".",
            "Signed by Ann (Director), on the exact text of this version.",
        ),
        (
            "Countersigned by Sam (SM); SHA-256 " + "b" * 64 + ". It goes live on 1 September 2027.",
            "Countersigned by Sam (SM), on the exact text of this version. It goes live on 1 September 2027.",
        ),
        ("Version 1.", "Version 1."),
        (None, ""),
    ],
)
def test_plain_note_leaves_the_fingerprint_to_the_record(note, expected):
    assert plain_note(note) == expected
