"""`resettle demo-otp USERNAME`: the current sign-in code of a demo user's authenticator."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from resettle.accounts.otp import current_code, ensure_demo_device, is_demo_user


class Command(BaseCommand):
    help = "Print the current 6-digit TOTP code of a demo user (refused for real staff accounts)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **opts):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if not is_demo_user(user):
            # A real account's second factor lives only on its owner's phone.
            raise CommandError(f"{username!r} is not a demo user; demo-otp only serves demo accounts")
        self.stdout.write(current_code(ensure_demo_device(user)))
