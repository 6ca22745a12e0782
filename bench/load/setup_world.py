"""Run inside the benchmark's environment (its own DATABASE_URL and data folder): signed-in
staff sessions for the load run, as JSON on stdout. Sessions are made the way the sign-in view
leaves them (password and second factor done), so the run measures browsing, not sign-in."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resettle.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from resettle.accounts import roles  # noqa: E402
from resettle.applications.selectors import case_scope  # noqa: E402

BROWSERS = [roles.INTAKE_OFFICER, roles.DF_VERIFIER, roles.DECISION_MAKER, roles.RELOCATION_COORDINATOR]
n_staff = int(os.environ.get("LOAD_STAFF", "50"))
users = {u.groups.first().name: u for u in get_user_model().objects.filter(staff_profile__is_demo=True)
         if u.groups.exists()}
sessions = []
for i in range(n_staff + 1):
    role = roles.INTAKE_OFFICER if i == n_staff else BROWSERS[i % len(BROWSERS)]
    user = users[role]
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="load", confirmed=True)
    store = SessionStore()
    store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.set_expiry(3 * 3600)
    store.create()
    cases = [str(pk) for pk in case_scope(user).values_list("pk", flat=True)[:200]]
    sessions.append({"role": role, "user": user.username, "session": store.session_key, "cases": cases,
                     "submitter": i == n_staff})
print(json.dumps({"sessions": sessions, "cookie": settings.SESSION_COOKIE_NAME}))
