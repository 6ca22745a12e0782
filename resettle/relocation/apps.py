from django.apps import AppConfig


class RelocationConfig(AppConfig):
    name = "resettle.relocation"
    verbose_name = "Relocation"
