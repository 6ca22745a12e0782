from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "resettle.exports"
    label = "exports"
    verbose_name = "Exports"
