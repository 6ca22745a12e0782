from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "resettle.demo"
    verbose_name = "Demo data"
