from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "resettle.applications"
    verbose_name = "Applications"
