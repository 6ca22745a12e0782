import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resettle.settings")
application = get_wsgi_application()

from resettle.verification.warmup import start_background_warmup  # noqa: E402  (needs Django set up)

start_background_warmup()
