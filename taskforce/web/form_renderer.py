"""How forms render: Django's templates, except selects, text-like inputs and labels, built here.

A caseload's filter form rendered a template for each of its 87 counties and every other option,
each with its attributes' own template: about a sixth of the page's CPU (bench_pages --profile,
issue #22); each field's label and text input then still rendered three templates (a tenth of the
caseload's template time). The markup is the one Django's `select.html`, `select_option.html`,
`input.html`, `label.html` and `attrs.html` produce, escaped the same way
(tests/taskforce/test_form_renderer.py compares them).
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
LABEL = "django/forms/label.html"
# Widgets whose template only includes input.html.
INPUTS = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in ("text", "number", "email", "url", "password", "hidden", "date", "datetime",
                 "time", "search", "tel")
)  # fmt: skip


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>\n"
    )


def select_html(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(f"\n  {_option(option)}" for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def label_html(context: dict) -> str:
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return label
    tag = conditional_escape(context["tag"])
    return f"<{tag}{_attrs(context['attrs'] or {})}>{label}</{tag}>"


def input_html(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        # Built by label_html and input_html, whose every value is escaped above.
        if template_name == LABEL and "use_tag" in context:
            return mark_safe(label_html(context))  # noqa: S308
        if template_name in INPUTS and context.get("widget") is not None:
            return mark_safe(input_html(context["widget"]))  # noqa: S308
        widget = context.get("widget") if template_name == SELECT else None
        if widget is not None and all(
            option.get("template_name") == OPTION
            for _, options, _ in widget["optgroups"]
            for option in options
        ):
            # Built by select_html, whose every value is escaped above.
            return mark_safe(select_html(widget))  # noqa: S308
        return super().render(template_name, context, request)
