from django.core.management.base import BaseCommand

from resettle.records.models import EmploymentRecord
from resettle.verification.services import records_group_refresh


class Command(BaseCommand):
    help = ("Group the employment records into people (a person's rotations, re-hires, two sources), so "
            "simulations count people: what the background worker does after each records import.")

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")

    def handle(self, *args, workers, **opts):
        import os

        from tqdm import tqdm

        people = records_group_refresh(
            progress=lambda it, total=None: tqdm(it, total=total, desc="group records", unit="step", disable=None),
            workers=workers or os.cpu_count() or 1)
        self.stdout.write(f"{EmploymentRecord.objects.count()} records grouped into {people} people.")
