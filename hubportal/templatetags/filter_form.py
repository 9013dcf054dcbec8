"""A list's filter form, field by field, without crispy's per-field machinery.

``{{ field|as_crispy_field }}`` renders about a dozen nested templates for each
field (crispy's wrapper, then Django's widget, attrs and one per option): on the
agreement list that was 40% of the page's template time. ``{{ field|filter_field }}``
writes the same Bootstrap markup in Python for the widgets filter forms use
(a text box and a single select) and hands every other field, and any field with
an error, help text or a required mark, to crispy as before.
tests/hubportal/test_filter_form.py checks the two give the same HTML.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import template
from django.forms import BoundField, Select, SelectMultiple, TextInput
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


def _kind(widget) -> str | None:
    if type(widget) is TextInput:
        return "form-control"
    if isinstance(widget, Select) and not isinstance(widget, SelectMultiple) and not widget.allow_multiple_selected:
        return "form-select"
    return None


def _attrs(attrs: dict) -> SafeString:
    # As Django's attrs.html: True is a bare attribute, False and None are left out.
    return flatatt({k: v for k, v in attrs.items() if v is not False and v is not None})


def _label(option: dict) -> str:
    # As templates/django/forms/widgets/select_option.html words an empty choice.
    if option["label"] == "---------":
        return "Choose one"
    if not option["value"] and option["name"] in ("sort", "ordering"):
        return "Usual order"
    return option["label"]


def _options(widget: dict) -> SafeString | None:
    rows = []
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            return None  # optgroups: crispy's templates, not this fast path
        rows.extend((str(option["value"]), _attrs(option["attrs"]), _label(option)) for option in options)
    return format_html_join("", '<option value="{}"{}>{}</option>', rows)


@register.filter
def filter_field(field: BoundField) -> SafeString:
    widget = field.field.widget
    css = _kind(widget)
    if css is None or field.errors or field.help_text or field.field.required or field.is_hidden:
        return as_crispy_field(field)
    attrs = dict(widget.attrs)
    # crispy's class: the widget's class name, then Bootstrap's, after any class the widget has.
    classes = f"{type(widget).__name__.lower()} {css}"
    attrs["class"] = f"{attrs['class']} {classes}" if attrs.get("class") else classes
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if css == "form-select":
        options = _options(context)
        if options is None:
            return as_crispy_field(field)
        control = format_html('<select name="{}"{}>{}</select>', context["name"], _attrs(context["attrs"]), options)
    else:
        value = "" if context["value"] is None else format_html(' value="{}"', str(context["value"]))
        control = format_html(
            '<input type="{}" name="{}"{}{}>', context["type"], context["name"], value, _attrs(context["attrs"])
        )
    label = ""
    if field.label:
        label = format_html('<label for="{}" class="form-label">{}</label>', field.id_for_label, field.label)
    return format_html('<div id="div_{}" class="mb-3">{}{}</div>', field.auto_id, label, conditional_escape(control))
