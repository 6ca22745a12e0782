from django.core.management.base import BaseCommand, CommandError

from resettle.audit.models import AuditHead
from resettle.audit.services import verify_log


class Command(BaseCommand):
    help = "Audit log: `verify` checks the hash chain and names the first broken entry; `head` prints the tip to record elsewhere."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "head"])

    def handle(self, *args, action, **opts):
        if action == "head":
            head = AuditHead.objects.filter(pk=1).first()
            self.stdout.write(f"{head.seq if head else 0} {head.hash if head else '0' * 64}")
            return
        problem = verify_log()
        if problem:
            raise CommandError(f"audit log broken at entry {problem.seq}: {problem.message}")
        head = AuditHead.objects.filter(pk=1).first()
        self.stdout.write(f"audit log intact: {head.seq if head else 0} entries")
