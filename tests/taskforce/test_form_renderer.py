"""Selects built in Python give the markup Django's own templates give, escaping included."""

from contextlib import contextmanager

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.signals import template_rendered

from cases.forms.cases import CaseFilterForm
from taskforce.models import County
from taskforce.web.form_renderer import OPTION, SELECT, FormRenderer


@contextmanager
def templates_rendered():
    names = []

    def seen(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(seen)
    try:
        yield names
    finally:
        template_rendered.disconnect(seen)


HOSTILE = '"><script>alert(1)</script>&amp;'


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "Alpha"), ("b", f"Beta {HOSTILE}")], required=False)
    grouped = forms.ChoiceField(
        choices=[("Metro", [("1", "Hennepin"), ("2", "Ramsey")]), ("Other", [("3", "Cook")])],
        help_text="Pick one",
    )
    several = forms.MultipleChoiceField(choices=[("x", "X"), (HOSTILE, "Odd value")])
    maybe = forms.NullBooleanField()
    county = forms.ModelChoiceField(queryset=County.objects.order_by("name")[:5], required=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"plain": "b", "grouped": "2", "several": ["x", HOSTILE], "maybe": "true"},
        {"plain": "z"},
    ],
)
def test_every_select_is_the_markup_of_djangos_templates(data):
    ours = Everything(data=data or None)
    theirs = Everything(data=data or None, renderer=DjangoTemplates())
    assert isinstance(ours.renderer, FormRenderer)
    ours.is_valid(), theirs.is_valid()
    for name in ours.fields:
        assert ours[name].as_widget() == theirs[name].as_widget(), name
        assert "<script>" not in ours[name].as_widget()
    with templates_rendered() as by_ours:
        ours_html = str(ours)
    with templates_rendered() as by_theirs:
        theirs_html = str(theirs)
    assert ours_html == theirs_html
    # Built in Python, not one template per option.
    assert OPTION in by_theirs and OPTION not in by_ours and SELECT not in by_ours


@pytest.mark.django_db
def test_the_caseload_filter_form_renders_the_same_as_before():
    form = CaseFilterForm(data={"status": "open"})
    fast = str(form)
    form.renderer = DjangoTemplates()
    assert fast == str(form)
    assert isinstance(CaseFilterForm().renderer, FormRenderer)


class Inputs(forms.Form):
    words = forms.CharField(label=f"Words {HOSTILE}", max_length=40, required=False)
    count = forms.IntegerField(required=False, min_value=0)
    email = forms.EmailField(required=False, help_text="Work address")
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    marker = forms.CharField(required=False, widget=forms.HiddenInput())
    # A radio list's label names no one input: a tag without attributes.
    pick = forms.ChoiceField(required=False, widget=forms.RadioSelect,
                             choices=[("a", "Alpha"), ("b", HOSTILE)])  # fmt: skip
    flag = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autofocus": True, "disabled": False})
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"words": HOSTILE, "count": "-3", "email": "not an address", "day": "2026-13-40",
         "secret": HOSTILE, "marker": HOSTILE, "flag": ""},
        {"words": "plain", "count": "7", "email": "a@example.org", "day": "2026-12-05"},
    ],
)  # fmt: skip
@pytest.mark.parametrize("auto_id", ["id_%s", False])  # without ids: labels with no attributes
def test_inputs_and_labels_are_the_markup_of_djangos_templates(data, auto_id):
    ours = Inputs(data=data, auto_id=auto_id)
    theirs = Inputs(data=data, auto_id=auto_id, renderer=DjangoTemplates())
    ours.is_valid(), theirs.is_valid()
    for name in ours.fields:
        assert ours[name].as_widget() == theirs[name].as_widget(), name
        assert ours[name].label_tag() == theirs[name].label_tag(), name
        assert ours[name].label_tag(attrs={"class": HOSTILE}, label_suffix="") == theirs[
            name
        ].label_tag(attrs={"class": HOSTILE}, label_suffix=""), name
        assert ours[name].legend_tag() == theirs[name].legend_tag(), name
    with templates_rendered() as by_ours:
        ours_html = str(ours)
    assert ours_html == str(theirs)
    assert "<script>" not in ours_html
    assert "django/forms/label.html" not in by_ours
    assert "django/forms/widgets/text.html" not in by_ours  # (radio options still use input.html)
