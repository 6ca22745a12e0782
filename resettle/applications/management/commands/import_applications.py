from django.core.management.base import BaseCommand, CommandError

from resettle.applications.imports import import_applications
from resettle.core.management.base import progress_bar, table_errors_as_command_errors
from resettle.tabular import parse_mapping


class Command(BaseCommand):
    help = ("Import applications (CSV or XLSX, one row per person, grouped by application_id): "
            "all or nothing; re-importing adds nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--encoding", help="utf-8, utf-8-sig, utf-16 or cp1256 (default: detected).")
        parser.add_argument("--map", dest="mapping", default="",
                            help="Column mapping for other headers: 'Name=full_name,Relation=relationship'.")

    def handle(self, *args, file, encoding, mapping, **opts):
        try:
            mapping = parse_mapping(mapping)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        with table_errors_as_command_errors(), progress_bar(desc="people") as update:
            result = import_applications(path=file, encoding=encoding, mapping=mapping, progress=update)
        self.stdout.write(str(result))
