from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "resettle.core"
    verbose_name = "Core"
