"""A form renderer that writes Django's plainest widget templates in Python, same HTML.

Django renders every widget through its template engine: an input is three templates
(text.html includes input.html includes attrs.html), a select one more per option, and an
empty error list or a label one each. A form page with inline rows renders hundreds of
them, and on two cores that template work is a large share of the page's CPU (the claim
page: some 10 ms of about 55). `PythonWidgetRenderer` writes these templates' output
directly, byte for byte what Django's own templates give, and leaves every other template
(and every case below it does not handle) to Django's engine:

- the `<input>` widgets whose template is only Django's input.html (text, hidden, number,
  checkbox, date, file...), and the admin's date widget around one;
- `<select>` without option groups, `<textarea>`;
- an empty error list (`as_ul`, the default list), and a label (django/forms/label.html).

Each shortcut checks at start that the template it replaces is still Django's (the source
below): a Django upgrade or a project override that changes one turns its shortcut off, and
the template renders again. Values that the template would localize (numbers, dates as
labels) are left to the template as well. tests/test_python_widget_renderer.py compares both
renderers on every kind of widget and value.

It is the project's `FORM_RENDERER`: every form, formset and widget renders through it (Django
keeps one instance per process, so the template engine inside it is built once).
"""

from __future__ import annotations

from html import escape

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import SafeData

INPUT_SOURCE = (
    '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %} '
    "value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
    '{% include "django/forms/widgets/attrs.html" %}>\n'
)
ATTRS_SOURCE = (
    "{%% for name, value in %s.items %%}{%% if value is not False %%} {{ name }}"
    "{%% if value is not True %%}=\"{{ value|stringformat:'s' }}\"{%% endif %%}{%% endif %%}"
    "{%% endfor %%}"
)
ONLY_INPUT_SOURCE = '{% include "django/forms/widgets/input.html" %}\n'
SOURCES = {
    "django/forms/widgets/input.html": INPUT_SOURCE,
    "django/forms/widgets/attrs.html": ATTRS_SOURCE % "widget.attrs",
    "django/forms/attrs.html": ATTRS_SOURCE % "attrs",
    "django/forms/widgets/select.html": (
        '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
        "{% for group_name, group_choices, group_index in widget.optgroups %}"
        '{% if group_name %}\n  <optgroup label="{{ group_name }}">{% endif %}'
        "{% for option in group_choices %}\n  {% include option.template_name with "
        "widget=option %}{% endfor %}{% if group_name %}\n  </optgroup>{% endif %}"
        "{% endfor %}\n</select>\n"
    ),
    "django/forms/widgets/select_option.html": (
        "<option value=\"{{ widget.value|stringformat:'s' }}\""
        '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n'
    ),
    "django/forms/widgets/textarea.html": (
        '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
        "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
    ),
    "admin/widgets/date.html": (
        '<p class="date">\n  {% include "django/forms/widgets/date.html" %}\n</p>\n'
    ),
    "django/forms/errors/list/ul.html": (
        '{% if errors %}<ul class="{{ error_class }}"{% if errors.field_id %} '
        'id="{{ errors.field_id }}_error"{% endif %}>{% for error in errors %}<li>{{ error }}'
        "</li>{% endfor %}</ul>{% endif %}"
    ),
    "django/forms/errors/list/default.html": ('{% include "django/forms/errors/list/ul.html" %}'),
    "django/forms/label.html": (
        "{% if use_tag %}<{{ tag }}{% include 'django/forms/attrs.html' %}>{{ label }}"
        "</{{ tag }}>{% else %}{{ label }}{% endif %}\n"
    ),
}
# Widgets whose template is Django's input.html and nothing else.
ONLY_INPUT = tuple(
    f"django/forms/widgets/{name}.html"
    for name in (
        "text", "hidden", "number", "checkbox", "date", "datetime", "time", "email", "url",
        "password", "file", "search", "tel", "color",
    )
)  # fmt: skip
SOURCES.update(dict.fromkeys(ONLY_INPUT, ONLY_INPUT_SOURCE))


class _Template(Exception):
    """The value is one the template would format itself: let the template render it."""


def _shown(value) -> str:
    """`{{ value }}` for text: escaped unless marked safe (anything else: the template's)."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, str):
        return escape(value)
    raise _Template


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html."""
    html = []
    for name, value in attrs.items():
        if value is not False:
            html.append(" " + _shown(name))
            if value is not True:
                html.append('="' + _formatted(value) + '"')
    return "".join(html)


def _input(widget) -> str:
    """django/forms/widgets/input.html (its newline left in, as an include leaves it)."""
    value = widget["value"]
    shown = "" if value is None else ' value="' + _formatted(value) + '"'
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _select(widget) -> str:
    html = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            raise _Template
        for option in group_choices:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                raise _Template
            html.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"
            )
    html.append("\n</select>")
    return "".join(html)


def _textarea(widget) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_shown(value) if value else ''}</textarea>"
    )


def _errors(context) -> str:
    if context["errors"]:
        raise _Template
    return ""


def _label(context) -> str:
    if not context["use_tag"]:
        return _shown(context["label"])
    tag = _shown(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_shown(context['label'])}</{tag}>"


# template -> (the templates it reads, how to write it); the output is stripped, as
# BaseRenderer.render strips what a template gives.
INPUT_READS = ("django/forms/widgets/input.html", "django/forms/widgets/attrs.html")
SHORTCUTS = {
    **{name: ((name, *INPUT_READS), lambda c: _input(c["widget"])) for name in ONLY_INPUT},
    "django/forms/widgets/input.html": (INPUT_READS, lambda c: _input(c["widget"])),
    "admin/widgets/date.html": (
        (
            "admin/widgets/date.html",
            "django/forms/widgets/date.html",
            "django/forms/widgets/input.html",
            "django/forms/widgets/attrs.html",
        ),
        # the input's newline, then date.html's, then the paragraph's
        lambda c: f'<p class="date">\n  {_input(c["widget"])}\n\n</p>',
    ),
    "django/forms/widgets/select.html": (
        (
            "django/forms/widgets/select.html",
            "django/forms/widgets/select_option.html",
            "django/forms/widgets/attrs.html",
        ),
        lambda c: _select(c["widget"]),
    ),
    "django/forms/widgets/textarea.html": (
        ("django/forms/widgets/textarea.html", "django/forms/widgets/attrs.html"),
        lambda c: _textarea(c["widget"]),
    ),
    "django/forms/errors/list/ul.html": (("django/forms/errors/list/ul.html",), _errors),
    "django/forms/errors/list/default.html": (
        ("django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"),
        _errors,
    ),
    "django/forms/label.html": (
        ("django/forms/label.html", "django/forms/attrs.html"),
        _label,
    ),
}


class PythonWidgetRenderer(DjangoTemplates):
    """Django's template renderer, with the plainest widget templates written in Python."""

    def __init__(self):
        super().__init__()
        self._shortcuts = None

    def shortcuts(self) -> dict:
        """The shortcuts whose templates are still the ones they copy (read once)."""
        if self._shortcuts is None:
            self._shortcuts = {
                name: write
                for name, (reads, write) in SHORTCUTS.items()
                if all(self._source(read) == SOURCES[read] for read in reads)
            }
        return self._shortcuts

    def _source(self, name: str) -> str | None:
        try:
            return self.get_template(name).template.source
        except Exception:  # noqa: BLE001 - not found or not a Django template: no shortcut
            return None

    def render(self, template_name, context, request=None):
        write = self.shortcuts().get(template_name)
        if write is not None and request is None:
            try:
                return write(context).strip()
            except (_Template, KeyError):
                pass
        return super().render(template_name, context, request)


python_widget_renderer = PythonWidgetRenderer()
