import os

from django.core.management.base import BaseCommand, CommandError

from resettle.audit.services import record_event
from resettle.core import keys
from resettle.core.management.base import progress_bar
from resettle.security.crypto import KeyError_, _b64decode_key
from resettle.security.rotation import count_indexed_rows, derived_index_names, reindex


class Command(BaseCommand):
    help = ("Recompute every blind index (the keyed digests that name, document and contact searches "
            "use) from the encrypted values. With --key-from-env VAR, under the new index key held in "
            "VAR: the way to rotate RESETTLE_INDEX_KEY. Stop the web and task workers first, then set "
            "RESETTLE_INDEX_KEY to the new key and restart. Without it, under the current key (e.g. "
            "after restoring data indexed under another key). Safe to re-run after an interruption.")

    def add_arguments(self, parser):
        parser.add_argument("--key-from-env", metavar="VAR", help="Environment variable holding the new "
                            "index key (base64 of 32 bytes, as `resettle init-secrets` writes them).")
        parser.add_argument("--dry-run", action="store_true", help="Only count the values that would change.")
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args, key_from_env, dry_run, batch_size, **opts):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            if key_from_env:
                text = os.environ.get(key_from_env, "")
                if not text:
                    raise CommandError(f"{key_from_env} is not set: put the new index key in it first")
                key = _b64decode_key(text, key_from_env)
            else:
                key = keys.index_key()
            keys.keyring()
        except KeyError_ as exc:
            raise CommandError(str(exc)) from None
        rotating = key_from_env is not None and key != keys.index_key()
        with progress_bar(total=count_indexed_rows(), desc="reindex") as update:
            changed = reindex(key=key, batch_size=batch_size, dry_run=dry_run, progress=update)
        for name, n in sorted(changed.items()):
            self.stdout.write(f"{name}: {n} {'to change' if dry_run else 'changed'}")
        total = sum(changed.values())
        if dry_run:
            self.stdout.write(f"{total} index value(s) would change; nothing changed.")
            return
        # The audit entry says that indexes were recomputed and how many, never with which key.
        # Values in blind-index columns, and rows of derived indexes (people's search keys,
        # where a changed key is one row out and one in), counted apart.
        derived = sum(n for name, n in changed.items() if name in derived_index_names())
        record_event(actor=None, action="keys.index_recomputed",
                     details={"new_key": rotating, "changed": total - derived, "derived_rows": derived})
        self.stdout.write(f"Done: {total} index value(s) recomputed.")
        if rotating:
            self.stdout.write(f"Now set RESETTLE_INDEX_KEY to the value of {key_from_env} for every process "
                              "(data/resettle.env), remove the old key, and restart. Until then searches by "
                              "name, document or contact find nothing. Export pseudonyms change with the key.")
