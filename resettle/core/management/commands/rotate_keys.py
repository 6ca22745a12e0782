from django.core.management.base import BaseCommand, CommandError

from resettle.audit.services import record_event
from resettle.core import keys
from resettle.core.management.base import progress_bar
from resettle.security.crypto import KeyError_
from resettle.security.rotation import count_rows, key_ids_in_use, rotate


class Command(BaseCommand):
    help = ("Re-seal every encrypted value under RESETTLE_ACTIVE_KEY_ID. First add the new key to "
            "RESETTLE_DATA_KEYS beside the old one and make it active; run this (safe while the system "
            "runs, and safe to re-run after an interruption); then drop the old key.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count values not yet under the active key.")
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args, dry_run, batch_size, **opts):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            ring = keys.keyring()
        except KeyError_ as exc:
            raise CommandError(str(exc)) from None
        with progress_bar(total=count_rows(), desc="rotate-keys") as update:
            report = rotate(batch_size=batch_size, dry_run=dry_run, progress=update)
        for name, n in sorted(report.stale.items()):
            verb = "to re-seal" if dry_run else "re-sealed"
            self.stdout.write(f"{name}: {n} {verb}")
        if dry_run:
            self.stdout.write(f"{report.total_stale} value(s) not under active key {ring.active_id}; nothing changed.")
            return
        record_event(actor=None, action="keys.rotated",
                     details={"active_key": ring.active_id, "resealed": report.total_resealed,
                              "changed_meanwhile": report.skipped_changed})
        in_use = key_ids_in_use()
        others = {k: n for k, n in in_use.items() if k != ring.active_id}
        if others:
            # Values written under an old key by a process that had not yet been restarted with the new active key.
            raise CommandError(f"values still under other keys {others}: restart every process with the new "
                               "RESETTLE_ACTIVE_KEY_ID, then run rotate-keys again")
        self.stdout.write(f"Done: {report.total_resealed} value(s) re-sealed; every value is under key "
                          f"{ring.active_id}. The other keys can now be removed from RESETTLE_DATA_KEYS.")
