from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resettle.policies import engine
from resettle.policies.engine.testing import run_policy_tests
from resettle.policies.selectors import policy_summaries


class Command(BaseCommand):
    help = ("Pathway policies: 'list' the policies and versions, 'check' policy files (default: the "
            "package's), 'test' run policy tests written as data (default: all of them; a test file "
            "finds its policy beside it first, and a policy file given instead runs the tests beside "
            "it, so a new pathway can be tried outside the package), 'evaluate' a situation file "
            "(YAML, as in a policy test) under --policy ID[@VERSION] or a policy file, and explain it.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "check", "test", "evaluate"])
        parser.add_argument("files", nargs="*",
                            help="Policy files (check), policy test files (test) or one situation file (evaluate).")
        parser.add_argument("--policy", help="For evaluate: policy id, optionally @version, or a policy file "
                                             "(path/to/pathway.yaml[@version]).")

    def handle(self, *args, action, files, policy=None, **opts):
        try:
            if action == "evaluate":
                self._evaluate(files, policy)
            elif action == "list":
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

    def _evaluate(self, files, spec):
        from resettle.policies.engine.evaluate import format_result
        from resettle.policies.engine.yamlmarks import load_yaml

        if len(files) != 1 or not spec:
            raise CommandError("usage: resettle policy evaluate SITUATION.yaml --policy ID[@VERSION]")
        try:
            path, _, vid = spec.partition("@")
            if path.endswith(".yaml"):
                policy = engine.load_policy(path)
                version = policy.version(vid) if vid else None
            else:
                policy, version = engine.resolve(spec)
            result = engine.evaluate(policy, load_yaml(files[0]), version)
        except (KeyError, LookupError) as exc:
            raise CommandError(f"{files[0]}: {exc.args[0] if exc.args else exc}") from None
        except engine.SituationError as exc:
            raise CommandError(f"{files[0]}: {exc}") from None
        self.stdout.write(format_result(result))
