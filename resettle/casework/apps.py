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
        from resettle.casework.services import on_claim_decided
        from resettle.verification.signals import claim_decided

        claim_decided.connect(on_claim_decided, dispatch_uid="casework.verified")
