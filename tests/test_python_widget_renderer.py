"""PythonWidgetRenderer writes exactly what Django's widget templates write (bpjs_tracker/renderers.py)."""

from datetime import date

import pytest
from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminFileWidget
from django.forms.renderers import BaseRenderer, DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from hypothesis import given, settings
from hypothesis import strategies as st

from bpjs_tracker.renderers import SHORTCUTS, PythonWidgetRenderer, python_widget_renderer

TEMPLATES = DjangoTemplates()
TRICKY = ["", "a", "<b>&\"'", " spaced ", 'Jln. Poros <Kendari> & "Unaaha"', "0"]


def both(widget, name, value, attrs=None):
    return (
        widget.render(name, value, attrs, renderer=TEMPLATES),
        widget.render(name, value, attrs, renderer=python_widget_renderer),
    )


def test_every_shortcut_is_on_while_the_templates_are_djangos():
    assert set(PythonWidgetRenderer().shortcuts()) == set(SHORTCUTS)


def test_plain_widgets_labels_and_empty_errors_render_without_a_template(monkeypatch):
    def no_template(self, template_name, context, request=None):
        raise AssertionError(f"{template_name} rendered by the template engine")

    monkeypatch.setattr(BaseRenderer, "render", no_template)
    form = HeirLikeForm(
        {"name": "Wa Ode", "relationship": "child"}, renderer=python_widget_renderer
    )
    for field in form:
        str(field), str(field.label_tag()), str(field.errors.as_ul())
    with pytest.raises(AssertionError, match="div.html"):
        str(form)  # the form's own layout stays a template


def test_a_shortcut_whose_template_changed_is_off():
    class Changed(PythonWidgetRenderer):
        def _source(self, name):
            return "changed" if name == "django/forms/widgets/attrs.html" else super()._source(name)

    shortcuts = Changed().shortcuts()
    assert "django/forms/widgets/text.html" not in shortcuts
    assert "django/forms/errors/list/ul.html" in shortcuts


@pytest.mark.parametrize(
    "widget",
    [
        forms.TextInput(),
        forms.TextInput(attrs={"class": "vTextField", "maxlength": 200, "required": True}),
        forms.HiddenInput(),
        forms.NumberInput(attrs={"min": 0, "max": 9223372036854775807}),
        forms.CheckboxInput(),
        forms.DateInput(),
        forms.EmailInput(),
        forms.PasswordInput(render_value=True),
        forms.FileInput(),
        AdminDateWidget(),
        forms.Textarea(),
        forms.Textarea(attrs={"rows": 4, "disabled": False, "aria-describedby": "x<y"}),
    ],
    ids=lambda w: type(w).__name__,
)
@pytest.mark.parametrize("value", [None, *TRICKY, 0, 42, date(2021, 10, 10), True, False])
def test_inputs_and_textareas_match_the_templates(widget, value):
    template, python = both(widget, "heirs-0-name", value, {"id": "id_heirs-0-name"})
    assert python == template


@pytest.mark.parametrize(
    "choices",
    [
        [("", "---------"), ("spouse", _("Janda/duda")), ("child", "Anak <kandung>")],
        [("", "Tidak sekolah / tidak berlaku"), ("tk_sd", "TK – SD")],
        [(1, 1000), (2, 2500000)],  # numbers the template formats itself
        [("Kota", [("74.71", "Kendari")]), ("Kabupaten", [("74.09", "Konawe Utara")])],
        [("a", mark_safe("<b>aman</b>"))],
    ],
)
@pytest.mark.parametrize("value", [None, "", "spouse", "child", 1, "74.09", "a"])
@pytest.mark.parametrize("multiple", [False, True])
def test_selects_match_the_templates(choices, value, multiple):
    widget = (forms.SelectMultiple if multiple else forms.Select)(choices=choices)
    values = [value] if multiple and value is not None else value
    template, python = both(widget, "relationship", values, {"id": "id_relationship"})
    assert python == template


def test_a_clearable_file_input_is_left_to_its_template():
    template, python = both(AdminFileWidget(), "documents-0-file", None)
    assert python == template


class HeirLikeForm(forms.Form):
    name = forms.CharField(label=_("nama"), max_length=200, help_text="Nama <lengkap>")
    relationship = forms.ChoiceField(choices=[("spouse", "Janda/duda"), ("child", "Anak")])
    birth_date = forms.DateField(required=False, widget=AdminDateWidget)
    is_recipient = forms.BooleanField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea)


@pytest.mark.parametrize(
    "data",
    [None, {}, {"name": "<x>", "relationship": "nope", "birth_date": "31-02-2021", "note": "a&b"}],
)
def test_whole_forms_with_labels_and_errors_match_the_templates(data):
    template = HeirLikeForm(data, renderer=TEMPLATES)
    python = HeirLikeForm(data, renderer=python_widget_renderer)
    assert str(python) == str(template)
    for field in template:
        assert str(python[field.name].label_tag()) == str(field.label_tag())
        assert str(python[field.name].errors.as_ul()) == str(field.errors.as_ul())
    assert str(python.non_field_errors()) == str(template.non_field_errors())


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(st.none(), st.text(), st.integers()),
    attr=st.one_of(st.booleans(), st.text(), st.integers()),
    label=st.text(),
)
def test_any_text_is_escaped_as_the_templates_escape_it(value, attr, label):
    text = forms.TextInput(attrs={"data-x": attr, "class": "vTextField"})
    assert both(text, "name", value)[0] == both(text, "name", value)[1]
    select = forms.Select(choices=[("", label), (label, label)])
    assert both(select, "s", value)[0] == both(select, "s", value)[1]


def test_every_form_of_the_project_renders_through_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), PythonWidgetRenderer)
