from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from resettle.relocation import services
from resettle.relocation.models import Tranche


class Command(BaseCommand):
    help = ("Plan a tranche's flight manifests (HiGHS optimiser, or --greedy for the largest-first peer) as a "
            "relocation coordinator, store them and print the result: status, gap, seats per flight and why each "
            "household left behind waits.")

    def add_arguments(self, parser):
        parser.add_argument("tranche", help="Tranche name.")
        parser.add_argument("--as", dest="username", required=True,
                            help="The relocation coordinator the plan is recorded for (audited).")
        parser.add_argument("--greedy", action="store_true", help="Plan with the greedy peer instead.")
        parser.add_argument("--time-limit", type=float, default=10.0, help="Seconds the optimiser may take (default 10).")
        parser.add_argument("--reasons", action="store_true", help="Print the reason of every household left behind.")

    def handle(self, *args, tranche, username, greedy, time_limit, reasons, **opts):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        found = Tranche.objects.filter(name=tranche).first()
        if found is None:
            raise CommandError(f"no tranche named {tranche!r}; tranches: {', '.join(Tranche.objects.values_list('name', flat=True)) or 'none'}")
        try:
            result = services.tranche_plan(actor=user, tranche=found, method="greedy" if greedy else "highs",
                                           time_limit=time_limit)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except services.RelocationError as exc:
            raise CommandError(str(exc)) from None
        if result.status == "infeasible":
            raise CommandError("cannot plan: " + " ".join(result.problems))
        gap = "proven optimal" if result.proven_optimal else (
            f"gap {result.gap:.4%} to the bound {result.bound:.2f}" if result.gap is not None else "no bound (greedy)")
        self.stdout.write(f"{found.name}: {result.status}, {gap}, {result.seconds:.2f} s; "
                          f"{result.households_flown} households, {result.people_flown} people, "
                          f"{result.seats_filled} seats, priority {result.objective:.2f}")
        for flight in found.flights.all():
            load = result.loads.get(str(flight.pk))
            if load is not None:
                self.stdout.write(f"  {flight.code} {flight.date}: {load.seats_used}/{flight.seats} seats, "
                                  f"{load.lap_infants} lap infants, {len(load.households)} households")
        self.stdout.write(f"  left for a later flight: {len(result.left)}")
        if reasons:
            for case in found.cases.filter(planned=False).select_related("application"):
                self.stdout.write(f"    {case.application.reference}: {case.left_reason}")
