"""`resettle dedupe --applicants A.csv --out C.csv`: cluster applications of the same person.

A thin wrapper over resettle.matching.cli.dedupe_file; files only, never the database.
"""

import os

from django.core.management.base import BaseCommand, CommandError

from resettle.matching.cli import InputError, add_dedupe_arguments, dedupe_file


class Command(BaseCommand):
    help = "Cluster applicants (CSV) that are the same person; writes applicant_id,cluster_id for every row."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        add_dedupe_arguments(parser)

    def handle(self, *args, **opts):
        try:
            n = dedupe_file(opts["applicants"], opts["out"], opts["threshold"],
                            workers=opts["workers"] or os.cpu_count() or 1, explain=opts["explain"])
        except (InputError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(f"{n} clusters written to {opts['out']}")
