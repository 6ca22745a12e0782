"""{% eligibility_panel case %}: the case page shows eligibility without its view knowing
about policies (the panel's rules are in resettle.policies.reports)."""

from django import template

from resettle.applications.selectors import opened_application
from resettle.policies.reports import eligibility_panel as build_panel
from resettle.policies.reports import evaluation_view as build_view
from resettle.policies.reports import may_see_eligibility

register = template.Library()


@register.inclusion_tag("policies/_panel.html", takes_context=True)
def eligibility_panel(context, case):
    request = context.get("request")
    user = getattr(request, "user", None)
    panel = None
    if user is not None and may_see_eligibility(user):
        # the row the case page opened for this request (checked there), or opened and checked now
        panel = build_panel(user, opened_application(user, case, context.get("application")))
    return {"panel": panel, "case": case, "csrf_token": context.get("csrf_token"),
            "messages": context.get("messages")}


@register.simple_tag(takes_context=True)
def evaluation_view(context, evaluation):
    """{% evaluation_view ev as e %}: a stored evaluation as the viewer's role may see it.

    Inside another inclusion tag the context processors' ``request`` is gone (Context.new drops
    them), so the request is also read from the context itself, or a ``user`` variable."""
    request = context.get("request") or getattr(context, "request", None)
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return None
    return build_view(user, evaluation)
