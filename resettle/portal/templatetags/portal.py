from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def portal_languages():
    """Each language in its own name and script (an applicant who reads only Pashto must find
    "پښتو", not its Dari or English name); Django's own list translates the names."""
    return settings.LANGUAGES
