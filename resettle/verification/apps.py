from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "resettle.verification"
    verbose_name = "Verification"

    def ready(self) -> None:
        # Imports announce what they changed; verification queues its work (records and
        # applications never import verification).
        from resettle.applications.signals import applications_imported
        from resettle.records.signals import records_changed
        from resettle.verification import tasks

        def on_records_changed(sender, **kwargs):
            tasks.enqueue_records_refresh()

        def on_applications_imported(sender, *, application_ids, **kwargs):
            tasks.enqueue_matching(application_ids)

        records_changed.connect(on_records_changed, dispatch_uid="verification.records_changed", weak=False)
        applications_imported.connect(on_applications_imported, dispatch_uid="verification.applications_imported",
                                      weak=False)
