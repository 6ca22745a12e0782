"""`resettle match --records R.csv --applicants A.csv --out M.csv [--threshold T]`.

A thin wrapper over resettle.matching.cli.match_files; it reads and writes files only and never
touches the database.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from resettle.matching.cli import InputError, add_match_arguments, match_files


class Command(BaseCommand):
    help = "Match applicants (CSV) against employment records (CSV); writes applicant_id,record_id,match_probability."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        add_match_arguments(parser)

    def handle(self, *args, **opts):
        try:
            n = match_files(opts["records"], opts["applicants"], opts["out"], opts["threshold"],
                            workers=opts["workers"] or os.cpu_count() or 1, explain=opts["explain"])
        except (InputError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(f"{n} matches written to {opts['out']}")
