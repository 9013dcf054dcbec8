"""Small helpers for the words people read (imports no app)."""


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
