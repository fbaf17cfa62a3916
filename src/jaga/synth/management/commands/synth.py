from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaga.synth.cases import synth_cases


class Command(BaseCommand):
    help = "Create synthetic organisations, users and cases (invented children only), with linkage ground truth."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=1000, help="how many case records (default 1000)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")

    def handle(self, *args: Any, cases: int, seed: int, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("synthetic data is not created when JAGA_ENV=production")
        if cases < 1:
            raise CommandError("--cases must be at least 1")
        started = time.perf_counter()
        result = synth_cases(count=cases, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.cases} synthetic cases of {result.children} children created "
                f"in {time.perf_counter() - started:.1f} s"
            )
        )
