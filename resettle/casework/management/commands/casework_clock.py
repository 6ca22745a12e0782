"""`resettle casework-clock`: mark requests for information past their deadline as lapsed (they
go to the "requests lapsed" queue for a person; nothing is declined by a timer) and count a
reminder on those due within a week. Run it daily (cron or a systemd timer); `make run` runs it
at start."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from resettle.casework.services import information_requests_lapse


class Command(BaseCommand):
    help = "Lapse requests for information past their deadline and note reminders due."

    def add_arguments(self, parser):
        parser.add_argument("--remind-days", type=int, default=7)

    def handle(self, *args, remind_days, **opts):
        lapsed, reminded = information_requests_lapse(remind_days=remind_days)
        self.stdout.write(f"{lapsed} request(s) lapsed, {reminded} reminder(s) due.")
