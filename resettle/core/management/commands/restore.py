from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError

from resettle.audit.services import record_event
from resettle.security.backup_format import BackupError
from resettle.security.backups import restore_backup
from resettle.security.crypto import KeyError_


class Command(BaseCommand):
    help = ("Restore a backup made by `resettle backup`: refused if the file is damaged or sealed with "
            "another key; needs an empty (migrated) database, or --replace to wipe this one first. "
            "All or nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--replace", action="store_true",
                            help="Wipe every row of the current database first (in the same transaction).")

    def handle(self, *args, file, replace, **opts):
        try:
            loaded = restore_backup(file, replace=replace)
        except (BackupError, KeyError_) as exc:
            raise CommandError(f"restore refused: {exc}") from None
        except (DatabaseError, DeserializationError) as exc:
            raise CommandError(f"restore failed and was rolled back: {exc}. Is the database migrated to "
                               "this version (`resettle migrate`)? A backup loads into the schema it was made from.") from None
        record_event(actor=None, action="backup.restored", details={"objects": loaded, "replaced": replace})
        self.stdout.write(f"Restored {loaded} objects from {file}.")
