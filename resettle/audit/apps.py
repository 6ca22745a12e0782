from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "resettle.audit"
    verbose_name = "Audit log"
