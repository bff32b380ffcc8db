"""manage.py seed_demo [--size N]: a French demo data set (see crm.demo)."""

import argparse
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from crm import demo
from crm.demo.core import DEMO_PASSWORD, DEMO_USERS


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


class Command(BaseCommand):
    help = (
        f"Create a French demo data set: users {', '.join(u.username for u in DEMO_USERS)} "
        f"(password '{DEMO_PASSWORD}'), teams, companies, third parties with addresses and contacts. "
        "Without --size, creates the default set once; with --size N, adds N third parties each time."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--size", type=positive_int, help="Number of third parties to add (about 2 contacts each)."
        )
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="Random seed (default 42).")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with CRM_PRODUCTION set (creates a superuser whose password is 'demo').",
        )

    def handle(self, *args, size: int | None, seed: int, allow_production: bool, **options) -> None:
        if getattr(settings, "PRODUCTION", False) and not allow_production:
            raise CommandError(
                f"Refusing to seed demo data in production: it creates accounts whose password is "
                f"'{DEMO_PASSWORD}'. Pass --allow-production if you really mean it."
            )
        verbose = options["verbosity"] >= 1
        started = time.monotonic()
        run = demo.seed(size, random_seed=seed, log=self.stdout.write if verbose else _quiet)
        if run is None:
            self.stdout.write(
                "Demo data already present (users admin, manager, rep and rep2 exist): nothing to do. "
                "Use --size N to add N more third parties."
            )
            return
        if not verbose:
            return
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Demo data created in {elapsed:.1f} s:"))
        for label, count in run.created.items():
            self.stdout.write(f"  {label:<16} {count:>9,}")
        self.stdout.write(f"Logins (password '{DEMO_PASSWORD}' for the accounts created by seed_demo):")
        for spec, user in zip(DEMO_USERS, run.cast.users, strict=True):
            role = spec.role.value + (f", {spec.team}" if spec.team else "")
            existing = run.default_set and spec.username not in run.cast.created_usernames
            note = " (existing account, left unchanged)" if existing else ""
            self.stdout.write(f"  {spec.username:<8} {user.get_full_name():<18} {role}{note}")


def _quiet(message: str) -> None:
    pass
