"""Template context for every page: whether to show the demo banner, and what the role can do."""

from resettle.accounts.otp import is_demo_user
from resettle.accounts.permissions import capabilities_of


def staff(request):
    user = getattr(request, "user", None)
    return {"is_demo_user": is_demo_user(user) if user is not None and user.is_authenticated else False,
            "caps": capabilities_of(user) if user is not None else frozenset()}
