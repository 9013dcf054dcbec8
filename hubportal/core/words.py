"""Small helpers for the words people read (imports no app)."""

import re


def possessive(name: object) -> str:
    """A name's possessive: "Charnwood Music Collective's", "Harborough Youth Strings'"."""
    name = str(name or "")
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


def midsentence(name: object) -> str:
    """A name used inside a sentence: its first letter lowered unless the first
    word is an abbreviation ("safeguarding policy", but "DBS Update Service")."""
    name = str(name or "")
    first = name.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return name
    return name[:1].lower() + name[1:]


def clause(text: object) -> str:
    """A sentence to be followed by a colon: without its own full stop."""
    return str(text or "").rstrip().rstrip(".;:")


# A signing note as recorded ("Signed by Ann (Director); SHA-256 9f2c…."): the
# fingerprint stays in the record and is shown under the agreement's
# "Technical details"; people read a sentence instead.
_FINGERPRINT = re.compile(r";?\s*SHA-256 [0-9a-fA-F]+\.?")


def plain_note(note: object) -> str:
    """A history note without its SHA-256 fingerprint, in plain words:
    "Signed by Ann (Director), on the exact text of this version." """
    return _FINGERPRINT.sub(", on the exact text of this version.", str(note or ""))
