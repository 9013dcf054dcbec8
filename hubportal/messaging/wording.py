"""The wording of notifications and reminders, editable by staff.

Each kind's default is the file `templates/notifications/<kind>.txt` (first
line the subject). Staff may replace it with their own text. Every
placeholder, in every branch of every {% if %}, is checked before it is
saved, so a typo is refused with the reason instead of sending a blank:

- a reminder kind is checked against the context its reminders are really
  rendered with, filled with sample data (hubportal.messaging.wording_samples), down to
  each attribute: ``{{ obj.nonexistent }}`` is refused, and the preview shows
  the message at each stage of the series as it would be sent;
- any other kind may use the names its default uses (plus recipient,
  site_url, url and hub), and its preview shows each placeholder by name.

Loop and {% with %} variables are known inside their block.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Variable
from django.template.defaulttags import FilterNode, ForNode, IfNode, WithNode

from hubportal.messaging.wording_samples import has_sample, sample_contexts
from hubportal.models import MessageTemplate

# The engine every message is rendered with. Emails are plain text: no HTML
# escaping of names like "O'Brien & Co". The Hub's word filters (possessive,
# midsentence, money, ...) are built in: "{{ partner.name|possessive }}".
text_engine = Engine(
    dirs=[str(d) for d in settings.TEMPLATES[0]["DIRS"]],
    app_dirs=True,
    autoescape=False,
    builtins=["hubportal.templatetags.hub"],
)

# Every message is rendered with these (hubportal.messaging.notifications.render_kind).
ALWAYS_AVAILABLE = {"recipient", "site_url", "url", "hub", "hub_name"}


def kinds() -> list[str]:
    """Every kind that has a default template, in any template folder."""
    from django.apps import apps

    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    folders += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    found = {p.stem for folder in folders for p in (folder / "notifications").glob("*.txt")}
    return sorted(found)


def default_text(kind: str) -> tuple[str, str]:
    source = text_engine.get_template(f"notifications/{kind}.txt").source
    subject, _, body = source.strip().partition("\n")
    return subject.strip(), body.strip()


def _parse(text: str):
    """Parsed as sending parses it (plain text, only the built-in tags)."""
    return text_engine.from_string(text).nodelist


def _condition_expressions(condition):
    """The expressions of an {% if %} condition: `a and not b.c` -> a, b.c."""
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        yield value
    for part in (getattr(condition, "first", None), getattr(condition, "second", None)):
        if part is not None:
            yield from _condition_expressions(part)


def _node_expressions(node):
    """Every expression a tag holds in its own attributes ({{ x }}, {% firstof a b %}, {% url v arg %})."""
    for value in vars(node).values():
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) else [value]
        yield from (item for item in items if isinstance(item, FilterExpression))


def _variables(expression: FilterExpression):
    """The variables an expression looks up: its own and its filters' arguments."""
    if isinstance(expression.var, Variable) and expression.var.lookups is not None:
        yield expression.var
    for _func, args in expression.filters:
        for lookup, arg in args:
            if lookup and isinstance(arg, Variable) and arg.lookups is not None:
                yield arg


def _resolves(variable: Variable, context: Context) -> bool:
    try:
        variable.resolve(context)
    except Exception:  # VariableDoesNotExist, or a sample object that cannot answer
        return False
    return True


def _first_item(expression: FilterExpression, context: Context):
    """What a loop variable stands for: the sequence's first item, when the sample has one."""
    try:
        return next(iter(expression.resolve(context, ignore_failures=True) or []), Sample("item"))
    except Exception:  # not a sequence, or a sample object that cannot answer
        return Sample("item")


def _walk(nodelist, context: Context, visit, bound: frozenset = frozenset()) -> None:
    """Call visit(variable, context, bound) for every variable anywhere in the
    template, in every branch whether taken or not. Loop and {% with %}
    variables are bound in their block, with a sample value."""
    for node in nodelist:
        if isinstance(node, ForNode):
            for variable in _variables(node.sequence):
                visit(variable, context, bound)
            item = _first_item(node.sequence, context)
            names = node.loopvars
            values = [item] if len(names) == 1 else _unpack(item, len(names))
            with context.push(dict(zip(names, values, strict=True)), forloop=Sample("forloop")):
                _walk(node.nodelist_loop, context, visit, bound | set(names) | {"forloop"})
            _walk(node.nodelist_empty, context, visit, bound)
        elif isinstance(node, WithNode):
            for expression in node.extra_context.values():
                for variable in _variables(expression):
                    visit(variable, context, bound)
            values = {name: e.resolve(context, ignore_failures=True) for name, e in node.extra_context.items()}
            with context.push(values):
                _walk(node.nodelist, context, visit, bound | set(values))
        elif isinstance(node, IfNode):
            for condition, branch in node.conditions_nodelists:
                if condition is not None:
                    for expression in _condition_expressions(condition):
                        for variable in _variables(expression):
                            visit(variable, context, bound)
                _walk(branch, context, visit, bound)
        else:
            for expression in _node_expressions(node):
                # {% filter upper %} holds "var|upper": only its arguments are looked up.
                variables = list(_variables(expression))
                if isinstance(node, FilterNode):
                    variables = variables[1:]
                for variable in variables:
                    visit(variable, context, bound)
            for attr in getattr(node, "child_nodelists", ()):
                _walk(getattr(node, attr, None) or [], context, visit, bound)


def _unpack(item, count: int) -> list:
    try:
        values = list(item)
    except TypeError:
        values = []
    return values if len(values) == count else [Sample("item")] * count


def placeholders(text: str) -> set[str]:
    """The root names a template uses, outside its own loop and {% with %}
    variables: {{ obj.partner.name }} and {% if obj.is_project %} -> "obj"."""
    names = set()

    def collect(variable, context, bound):
        if variable.lookups[0] not in bound:
            names.add(variable.lookups[0])

    _walk(_parse(text), _stand_ins(set()), collect)
    return names


def allowed_placeholders(kind: str) -> set[str]:
    if has_sample(kind):
        return set(sample_contexts(kind)[0][1])
    subject, body = default_text(kind)
    return placeholders(subject) | placeholders(body) | ALWAYS_AVAILABLE


def _stand_ins(names: set[str]) -> Context:
    return Context({name: Sample(name) for name in names}, autoescape=False)


def _check_context(kind: str) -> Context:
    """What each placeholder is checked against: a reminder kind's real
    context with sample data, else a stand-in for each name the message may use."""
    if has_sample(kind):
        return Context(sample_contexts(kind)[0][1], autoescape=False)
    return _stand_ins(allowed_placeholders(kind))


def unknown_placeholders(kind: str, text: str) -> list[str]:
    """Each placeholder in the text that the kind's messages cannot fill in:
    an unknown name ({% if typo %}) or, for a reminder, an attribute its
    object does not have ({{ obj.nonexistent }})."""
    unknown = []

    def check(variable, context, bound):
        if _resolves(variable, context):
            return
        # An unknown name is reported by itself; a known one with the field it lacks.
        root = variable.lookups[0]
        name = variable.var if root in context else root
        if name not in unknown:
            unknown.append(name)

    _walk(_parse(text), _check_context(kind), check)
    return unknown


def validate(kind: str, subject: str, body: str) -> None:
    if "\n" in subject.strip():
        raise ValidationError("The subject must be a single line.")
    try:
        unknown = unknown_placeholders(kind, subject) + unknown_placeholders(kind, body)
    except TemplateSyntaxError as exc:
        raise ValidationError(f"The wording has a mistake in its {{{{ }}}} or {{% %}} parts: {exc}") from exc
    unknown = list(dict.fromkeys(unknown))
    if unknown:
        allowed = ", ".join(f"{{{{ {p} }}}}" for p in sorted(allowed_placeholders(kind)))
        fields = ", and their fields as the default wording spells them" if has_sample(kind) else ""
        raise ValidationError(
            f"Unknown placeholder{'s' if len(unknown) > 1 else ''}: "
            + ", ".join(f"{{{{ {p} }}}}" for p in unknown)
            + f". This message can use: {allowed}{fields}."
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


@dataclass
class Preview:
    stage: str
    subject: str
    body: str


def preview(kind: str, subject: str, body: str) -> list[Preview]:
    """The wording rendered as it would be sent: for a reminder kind, with
    sample data at each stage of its series; otherwise with each placeholder
    shown by name, e.g. [obj.partner.name]."""
    if has_sample(kind):
        contexts = sample_contexts(kind)
    else:
        contexts = [("", {name: Sample(name) for name in allowed_placeholders(kind)})]
    shown = []
    for stage, values in contexts:
        context = Context(values, autoescape=False)
        rendered = [text_engine.from_string(part).render(context).strip() for part in (subject, body)]
        shown.append(Preview(stage, *rendered))
    return shown


def custom_text(kind: str) -> tuple[str, str] | None:
    return MessageTemplate.objects.filter(kind=kind).values_list("subject", "body").first()
