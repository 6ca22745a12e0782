import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from resettle.policies import engine
from resettle.policies.engine.simulate import RecordsError
from resettle.policies.simulation import run


class Command(BaseCommand):
    help = ("Estimate eligible principals, applicants and dependants under a policy version over all "
            "employment records and applications (or a records CSV), with 90% intervals; "
            "--compare shows two policies side by side and who changes category.")

    def add_arguments(self, parser):
        parser.add_argument("--policy", required=True, help="Policy id, optionally @version (nz-bamyan-2012@2012-10).")
        parser.add_argument("--compare", help="Second policy[@version] to compare with.")
        parser.add_argument("--on", type=date.fromisoformat,
                            help="Reference date (default: the version's first day); picks versions too.")
        parser.add_argument("--records", help="Employment records CSV (records import columns) instead of the database.")
        parser.add_argument("--chart", help="Write a chart here (.png or .svg).")
        parser.add_argument("--prior-dependants", type=float,
                            help="Dependants per principal to assume instead of the family sizes seen so far.")
        parser.add_argument("--json", action="store_true", help="Print the table rows as JSON.")
        parser.add_argument("--draws", type=int, default=4000)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, policy, compare, on, records, chart, prior_dependants, json: bool, draws, seed, **opts):
        try:
            out = run(policy=policy, compare_with=compare, on=on, records_csv=records, use_database=not records,
                      prior_dependants=prior_dependants, chart_path=chart, draws=draws, seed=seed)
        except (KeyError, LookupError) as exc:
            raise CommandError(str(exc.args[0] if exc.args else exc)) from None
        except (engine.PolicyFileError, RecordsError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        if json:
            import json as _json

            self.stdout.write(_json.dumps(out["rows"], indent=1, default=str))
        else:
            self.stdout.write(out["text"])
        for name, path in out["charts"].items():
            self.stdout.write(f"chart ({name}): {path}")
