"""`resettle demo-data`: a synthetic world, imported through the same paths as real files."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from resettle.accounts.models import Team
from resettle.accounts.otp import ensure_demo_device
from resettle.accounts.roles import ALL_ROLES, DECISION_MAKER, ROLE_LABELS
from resettle.accounts.services import ensure_roles, staff_create
from resettle.applications.models import Application
from resettle.applications.imports import import_applications
from resettle.core.management.base import progress_bar, table_errors_as_command_errors
from resettle.demo.generator import generate
from resettle.records.services import import_records

DEMO_TEAM = "demo-bamyan"


class Command(BaseCommand):
    help = ("Generate the seeded synthetic demo world (HR records, applications) and import it, with one "
            "clearly marked demo user per role. Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--no-users", action="store_true", help="Import the data only.")

    def handle(self, *args, seed, scale, no_users, **opts):
        out = settings.DATA_DIR / "demo" / f"seed-{seed}-scale-{scale:g}"
        files = generate(out, seed=seed, scale=scale)
        with table_errors_as_command_errors():
            for source, path in files.records.items():
                with progress_bar(desc=source) as update:
                    result = import_records(path=path, source_name=source, encoding=files.encodings[source],
                                            progress=update)
                self.stdout.write(str(result))
            team, _ = Team.objects.get_or_create(name=DEMO_TEAM)
            with progress_bar(desc="applications") as update:
                result = import_applications(path=files.applications, team=team, progress=update)
            self.stdout.write(str(result))
        if not no_users:
            self._users(team)
            self._casework(seed)

    def _casework(self, seed):
        """Carry the imported cases through the lifecycle with the demo staff (real services)."""
        from resettle.demo.casework import Staff, progress_demo_cases

        users = get_user_model().objects
        staff = Staff(intake=users.get(username="demo-intake-officer"), verifier=users.get(username="demo-df-verifier"),
                      dm1=users.get(username="demo-decision-maker"), dm2=users.get(username="demo-decision-maker-2"),
                      coordinator=users.get(username="demo-relocation-coordinator"))
        todo = Application.objects.filter(status="received").count()
        with progress_bar(desc="casework", total=todo) as update:
            counts = progress_demo_cases(staff=staff, seed=seed, progress=update)
        if counts:
            self.stdout.write("Cases by stage: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        from resettle.relocation.demo import seed_relocation_demo

        tranche = seed_relocation_demo(coordinator=staff.coordinator, seed=seed, households=20)
        if tranche is not None:
            self.stdout.write(f"Relocation: tranche '{tranche.name}' planned for the demo coordinator.")

    def _users(self, team):
        ensure_roles()
        users = get_user_model().objects
        created = []
        # Two decision makers: a decision is proposed by one and confirmed by another.
        accounts = [(role, f"demo-{role.replace('_', '-')}") for role in ALL_ROLES]
        accounts.append((DECISION_MAKER, "demo-decision-maker-2"))
        for role, username in accounts:
            if users.filter(username=username).exists():
                continue
            password = "demo-" + secrets.token_urlsafe(9)
            user = staff_create(username=username, password=password, roles=[role], teams=[team.name], is_demo=True)
            ensure_demo_device(user)
            created.append((ROLE_LABELS[role], user.username, password))
        if created:
            path = self._save_credentials(created)
            self.stdout.write(self.style.WARNING("\nDEMO USERS (synthetic data only; never use for real cases):"))
            for label, username, password in created:
                self.stdout.write(f"  {label:28} user {username:30} password {password}")
            self.stdout.write(f"Saved to {path} (git-ignored). Sign in at http://127.0.0.1:8000/")
        else:
            self.stdout.write(f"Demo users already exist; their passwords are in {settings.DATA_DIR / 'demo-users.txt'}")
        self.stdout.write("Second factor for a demo user: `resettle demo-otp USERNAME` prints the current 6-digit code.")
        self.stdout.write(f"{Application.objects.count()} applications in the database.")

    def _save_credentials(self, rows) -> str:
        path = settings.DATA_DIR / "demo-users.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            for label, username, password in rows:
                fh.write(f"{label}\t{username}\t{password}\n")
        path.chmod(0o600)
        return str(path)
