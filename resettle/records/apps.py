from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "resettle.records"
    verbose_name = "Employment records"
