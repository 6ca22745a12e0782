from django.core.management.base import BaseCommand

from resettle.portal import ratelimit
from resettle.portal.services import DRAFT_DAYS, drafts_expire, submissions_retry


class Command(BaseCommand):
    help = ("Daily portal upkeep: create the case of every submission stored without one (after a "
            f"failure), delete applications never submitted after {DRAFT_DAYS} days, drop past days' "
            "attempt counters.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=DRAFT_DAYS, help="Age of unsubmitted drafts to delete.")

    def handle(self, *args, days, **opts):
        created = submissions_retry()
        expired = drafts_expire(days=days)
        pruned = ratelimit.prune()
        self.stdout.write(f"{created} case(s) created from stored submissions; {expired} unsubmitted draft(s) "
                          f"older than {days} days deleted; {pruned} old attempt counter(s) dropped.")
