from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "resettle.reporting"
    verbose_name = "Reporting"
