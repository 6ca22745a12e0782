from django.core.management.base import BaseCommand

from resettle.portal.services import submissions_retry


class Command(BaseCommand):
    help = "Create the case of every portal submission stored without one (after a failure)."

    def handle(self, *args, **opts):
        self.stdout.write(f"{submissions_retry()} case(s) created from stored portal submissions.")
