from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "resettle.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from resettle.casework import lifecycle

        # A malformed transition table is refused at start-up, not on the day a case needs it.
        lifecycle.check_table()
        from resettle.applications.signals import application_created
        from resettle.casework.services import on_application_created

        application_created.connect(on_application_created, dispatch_uid="casework.received")
