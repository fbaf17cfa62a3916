from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaga.synth.demo import DEMO_CASES, demo_seed


class Command(BaseCommand):
    help = "Load the synthetic demo (organisations and one user per role) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="load the demo when the database is empty; print the logins")
        seed.add_argument(
            "--cases", type=int, default=DEMO_CASES, help=f"synthetic cases to add (default {DEMO_CASES})"
        )

    def handle(self, *args: Any, action: str, cases: int = DEMO_CASES, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("the demo is not loaded when JAGA_ENV=production")
        result = demo_seed(password=settings.JAGA_DEMO_PASSWORD, cases=cases)
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(f"Demo data loaded with {result.cases} synthetic cases (invented; no real people).")
            )
        else:
            self.stdout.write("The database already has data; the demo was not loaded again.")
        self.stdout.write("\nDemo logins (each user has one role):")
        for email in result.emails:
            self.stdout.write(f"  {email}")
        if result.password:
            self.stdout.write(f"Password for all of them: {result.password}")
        else:
            self.stdout.write(
                "Passwords are unchanged (printed when the demo was first loaded). "
                "Set JAGA_DEMO_PASSWORD to choose one: JAGA_DEMO_PASSWORD=... make run"
            )
        mfa = "required" if settings.JAGA_MFA_REQUIRED else "OFF in this demo (required with JAGA_ENV=production)"
        self.stdout.write(f"Multi-factor authentication: {mfa}")
