from django.core.management.base import BaseCommand, CommandError

from resettle.audit import anchor
from resettle.audit.models import AuditHead
from resettle.audit.services import verify_log


class Command(BaseCommand):
    help = ("Audit log: `verify` checks the hash chain, and that it reaches the latest signed checkpoint "
            "kept outside the database, naming the first broken entry; `head` prints the tip to record elsewhere; "
            "`checkpoint` appends a signed checkpoint of the tip now (`--after-restore` once a backup has been "
            "restored, so earlier checkpoints no longer apply).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "head", "checkpoint"])
        parser.add_argument("--after-restore", action="store_true",
                            help="with checkpoint: the database was restored from a backup on purpose")

    def handle(self, *args, action, after_restore=False, **opts):
        head = AuditHead.objects.filter(pk=1).first()
        seq, digest = (head.seq, head.hash) if head else (0, "0" * 64)
        if action == "head":
            self.stdout.write(f"{seq} {digest}")
            return
        if action == "checkpoint":
            if anchor.checkpoint_file() is None:
                raise CommandError("no checkpoint file: set RESETTLE_AUDIT_CHECKPOINTS")
            if not after_restore:
                problem = verify_log(against_checkpoint=True)
                if problem:
                    raise CommandError(f"audit log broken at entry {problem.seq}: {problem.message}; not "
                                       "checkpointing it (after restoring a backup, use --after-restore)")
            anchor.append(seq, digest, kind="restore" if after_restore else "head")
            self.stdout.write(f"checkpoint written: {seq} {digest}")
            return
        problem = verify_log(against_checkpoint=True)
        if problem:
            raise CommandError(f"audit log broken at entry {problem.seq}: {problem.message}")
        checkpoint = anchor.latest()
        where = (f"; reaches the checkpoint of {checkpoint.at} (entry {checkpoint.seq})" if checkpoint
                 else "; no checkpoint file to check it against" if anchor.checkpoint_file() is None
                 or not anchor.checkpoint_file().exists() else "")
        self.stdout.write(f"audit log intact: {seq} entries{where}")
