"""The wording of notifications and reminders, editable by staff.

Each kind's default is the file `templates/notifications/<kind>.txt` (first
line the subject). Staff may replace it with their own text, which may use
only the placeholders the default uses (plus recipient, site_url and url), so
a typo is refused with the reason instead of sending a blank.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Template, TemplateSyntaxError
from django.template.base import VariableNode

from hubportal.models import MessageTemplate

ALWAYS_AVAILABLE = {"recipient", "site_url", "url"}


def kinds() -> list[str]:
    """Every kind that has a default template, in any template folder."""
    from django.apps import apps

    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    folders += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    found = {p.stem for folder in folders for p in (folder / "notifications").glob("*.txt")}
    return sorted(found)


def default_text(kind: str) -> tuple[str, str]:
    from hubportal.notifications import _text_engine

    source = _text_engine.get_template(f"notifications/{kind}.txt").source
    subject, _, body = source.strip().partition("\n")
    return subject.strip(), body.strip()


def placeholders(text: str) -> set[str]:
    """The root names a template uses: {{ obj.partner.name }} -> "obj"."""
    names = set()

    def walk(nodelist):
        for node in nodelist:
            if isinstance(node, VariableNode):
                var = node.filter_expression.var
                lookups = getattr(var, "lookups", None)
                if lookups:
                    names.add(lookups[0])
            for attr in getattr(node, "child_nodelists", ()):
                walk(getattr(node, attr, None) or [])

    walk(Template(text).nodelist)
    return names


def allowed_placeholders(kind: str) -> set[str]:
    subject, body = default_text(kind)
    return placeholders(subject) | placeholders(body) | ALWAYS_AVAILABLE


def validate(kind: str, subject: str, body: str) -> None:
    if "\n" in subject.strip():
        raise ValidationError("The subject must be a single line.")
    try:
        used = placeholders(subject) | placeholders(body)
    except TemplateSyntaxError as exc:
        raise ValidationError(f"The wording has a mistake in its {{{{ }}}} or {{% %}} parts: {exc}") from exc
    unknown = sorted(used - allowed_placeholders(kind))
    if unknown:
        allowed = ", ".join(f"{{{{ {p} }}}}" for p in sorted(allowed_placeholders(kind)))
        raise ValidationError(
            f"Unknown placeholder{'s' if len(unknown) > 1 else ''}: "
            + ", ".join(f"{{{{ {p} }}}}" for p in unknown)
            + f". This message can use: {allowed}."
        )


class Sample:
    """Stands in for any placeholder in a preview and shows its name."""

    def __init__(self, path: str):
        self._path = path

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return Sample(f"{self._path}.{name}")

    def __str__(self):
        return f"[{self._path}]"


def preview(kind: str, subject: str, body: str) -> tuple[str, str]:
    """Render the wording with each placeholder shown by name, e.g. [obj.partner.name]."""
    context = Context({name: Sample(name) for name in allowed_placeholders(kind)}, autoescape=False)
    return Template(subject).render(context), Template(body).render(context)


def custom_text(kind: str) -> tuple[str, str] | None:
    return MessageTemplate.objects.filter(kind=kind).values_list("subject", "body").first()
