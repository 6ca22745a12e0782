from django.core.management.base import BaseCommand

from resettle.applications.models import Application
from resettle.core.management.base import progress_bar
from resettle.verification.services import candidates_refresh_all, duplicates_refresh, record_index


class Command(BaseCommand):
    help = ("Score every application in the database against the employment records and find duplicate "
            "applications: what the background worker does after each import.")

    def handle(self, *args, **opts):
        from tqdm import tqdm

        record_index(progress=lambda it: tqdm(it, desc="index records", unit="record", disable=None))
        with progress_bar(total=Application.objects.count(), desc="applications", unit="application") as update:
            count = candidates_refresh_all(progress=update)
        links = duplicates_refresh()
        self.stdout.write(f"{count} applications scored; {links} duplicate links found.")
