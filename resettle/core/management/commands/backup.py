from django.core.management.base import BaseCommand, CommandError

from resettle.audit.services import record_event
from resettle.security.backup_format import BackupError
from resettle.security.backups import write_backup
from resettle.security.crypto import KeyError_


class Command(BaseCommand):
    help = ("Write an encrypted, integrity-checked backup of the whole database to FILE "
            "(AES-256-GCM under RESETTLE_BACKUP_KEY). Keep the secrets file apart from it: "
            "restoring needs both.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **opts):
        try:
            # Logged first, so the backup itself carries the record of its making.
            record_event(actor=None, action="backup.created", details={})
            header = write_backup(file)
        except (BackupError, KeyError_, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from None
        self.stdout.write(f"Wrote {file} (created {header.created_at}, backup key {header.key_fingerprint}).")
