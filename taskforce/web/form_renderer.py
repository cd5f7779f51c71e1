"""How forms render: Django's templates, except a select, whose options are built here.

A caseload's filter form rendered a template for each of its 87 counties and every other option,
each with its attributes' own template: about a sixth of the page's CPU (bench_pages --profile,
issue #22). The markup is the one Django's `select.html`, `select_option.html` and `attrs.html`
produce, escaped the same way (tests/taskforce/test_form_renderer.py compares them).
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


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


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT else None
        if widget is not None and all(
            option.get("template_name") == OPTION
            for _, options, _ in widget["optgroups"]
            for option in options
        ):
            # Built by select_html, whose every value is escaped above.
            return mark_safe(select_html(widget))  # noqa: S308
        return super().render(template_name, context, request)
