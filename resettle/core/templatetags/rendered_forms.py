"""{{ form|form_as_p }}: an empty form's HTML, rendered once per form, language and choices.

Rendering a form field by field through Django's widget templates costs more than the rest of a
case page (which shows up to eight empty forms), and the case list shows two. An unbound form
without initial values renders the same HTML every time (no CSRF token or case data inside it),
so that HTML is kept, a bounded number of them per process; any other form is rendered as usual.
"""

import threading

from django import template
from django.utils import translation

register = template.Library()

_RENDERED: dict[tuple, str] = {}
_RENDERED_LOCK = threading.Lock()
_RENDERED_MAX = 512


def _field_key(name, field) -> tuple:
    """What an instance may change about a field in its __init__: choices, labels, attributes."""
    choices = getattr(field, "choices", None)
    return (name, type(field), type(field.widget), field.required, field.disabled, str(field.label),
            str(field.help_text), repr(sorted(field.widget.attrs.items())),
            None if choices is None else tuple((str(value), str(label)) for value, label in choices))


@register.filter
def form_as_p(form):
    """`form.as_p()`, from the kept HTML when the form is empty and has no initial values."""
    if form.is_bound or form.initial or any(f.initial is not None for f in form.fields.values()):
        return form.as_p()
    key = (type(form), form.prefix, str(form.auto_id), translation.get_language(),
           tuple(_field_key(name, f) for name, f in form.fields.items()))
    html = _RENDERED.get(key)
    if html is None:
        html = form.as_p()
        with _RENDERED_LOCK:
            if len(_RENDERED) >= _RENDERED_MAX:
                _RENDERED.clear()
            _RENDERED[key] = html
    return html
