from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "resettle.policies"
    label = "policies"
    verbose_name = "Pathway policies"
    default_auto_field = "django.db.models.BigAutoField"
