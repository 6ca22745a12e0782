from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resettle.policies import engine
from resettle.policies.engine.testing import run_policy_tests
from resettle.policies.selectors import policy_summaries


class Command(BaseCommand):
    help = ("Pathway policies: 'list' the policies and versions, 'check' policy files, "
            "'test' run policy tests written as data (default: all of them).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "check", "test"])
        parser.add_argument("files", nargs="*", help="Policy files (check) or policy test files (test).")

    def handle(self, *args, action, files, **opts):
        try:
            if action == "list":
                for s in policy_summaries():
                    until = s["effective_until"] or "open"
                    self.stdout.write(f"{s['policy']}@{s['version']}  {s['effective_from']} to {until}  "
                                      f"{s['version_title']}  [sources: {', '.join(s['sources'])}; "
                                      f"outcomes: {', '.join(s['outcomes'])}]")
            elif action == "check":
                paths = [Path(f) for f in files] or engine.policy.policy_paths()
                for p in paths:
                    pol = engine.load_policy(p)
                    self.stdout.write(f"{p}: ok ({len(pol.versions)} versions)")
            else:
                results = run_policy_tests(files or None)
                failed = [r for r in results if not r.ok]
                for r in results:
                    self.stdout.write(str(r))
                self.stdout.write(f"{len(results) - len(failed)} passed, {len(failed)} failed")
                if failed:
                    raise CommandError(f"{len(failed)} policy test(s) failed")
        except engine.PolicyFileError as exc:
            raise CommandError(str(exc)) from None
