from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "resettle.portal"
    verbose_name = "Applicant portal"
