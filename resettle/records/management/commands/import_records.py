from django.core.management.base import BaseCommand, CommandError

from resettle.core.management.base import progress_bar, table_errors_as_command_errors
from resettle.records.services import import_records
from resettle.tabular import parse_mapping


class Command(BaseCommand):
    help = ("Import employment records (CSV or XLSX) from an HR source: all rows or none; "
            "re-importing the same file changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", required=True, help="Source name, e.g. nzdf-prt-bamyan.")
        parser.add_argument("--employer", help="Canonical employer for a new source (default: inferred from its name).")
        parser.add_argument("--encoding", help="utf-8, utf-8-sig, utf-16 or cp1256 (default: detected).")
        parser.add_argument("--map", dest="mapping", default="",
                            help="Column mapping for other headers: 'Name=full_name,Father Name=father_name'.")

    def handle(self, *args, file, source, employer, encoding, mapping, **opts):
        try:
            mapping = parse_mapping(mapping)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        with table_errors_as_command_errors(), progress_bar(desc="records") as update:
            result = import_records(path=file, source_name=source, employer=employer, encoding=encoding,
                                    mapping=mapping, progress=update)
        self.stdout.write(str(result))
