from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "resettle.verification"
    verbose_name = "Verification"
