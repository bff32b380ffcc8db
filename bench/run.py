"""Server-time benchmark of the pages and API lists (SPEC §9), on the database of DATABASE_URL.

    python -m bench.run [--size N] [--requests 25] [--only leads] [--json var/bench.json]

`--size N` first adds N third parties with their leads, opportunities and events (seed_demo, bulk
inserts) until the database holds at least N; without it the data already there is measured. Each
target is requested through Django's test client, in this process, as one user: the time measured is
the server's (routing, middleware, queries, templates), without the network. The 95th percentile is
compared with its SPEC target, and the number of SQL queries of the page is reported with it.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("DEBUG", "0")  # measure what production runs: no query log, cached templates
django.setup()
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Model  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

import crm.wsgi  # noqa: E402,F401  the application as a WSGI server loads it (and its gc.freeze())
from crm.models import Contact, ThirdParty, User  # noqa: E402
from events.models import Event  # noqa: E402
from leads.models import Lead  # noqa: E402
from opportunities.models import Opportunity  # noqa: E402

PAGE_TARGET_MS = 50  # lists, Kanban columns, record pages, API lists (SPEC §9)
REPORT_TARGET_MS = 300


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    limit_ms: int = PAGE_TARGET_MS


@dataclass
class Measure:
    name: str
    url: str
    status: int
    queries: int
    p50_ms: float
    p95_ms: float
    limit_ms: int

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.p95_ms <= self.limit_ms


def first_pk(model: type[Model], **filters: object) -> int:
    return model._default_manager.filter(**filters).order_by("pk").values_list("pk", flat=True).first() or 0


def targets() -> list[Target]:
    lead, third_party = first_pk(Lead), first_pk(ThirdParty, is_customer=True)
    contact, opportunity = first_pk(Contact), first_pk(Opportunity)
    pages = [
        Target("leads: all", "/leads/"),
        Target("leads: open, search", "/leads/open/?q=dupont"),
        Target("leads: sorted by scoring", "/leads/?sort=-scoring"),
        Target("leads: Kanban", "/leads/kanban/"),
        Target("opportunities: all", "/opportunities/"),
        Target("opportunities: Kanban", "/opportunities/kanban/"),
        Target("third parties: customers", "/third-parties/?type=customer"),
        Target("third parties: cards", "/third-parties/?view=cards"),
        Target("contacts: all", "/contacts/"),
        Target("events: upcoming", "/events/?period=upcoming"),
        Target("lead page", f"/leads/{lead}/"),
        Target("third-party page", f"/third-parties/{third_party}/"),
        Target("contact page", f"/contacts/{contact}/"),
        Target("opportunity page", f"/opportunities/{opportunity}/"),
        Target("API: leads", "/api/v1/leads/"),
        Target("API: opportunities", "/api/v1/opportunities/"),
        Target("API: third parties", "/api/v1/third-parties/"),
        Target("API: contacts", "/api/v1/contacts/"),
        Target("API: events", "/api/v1/events/"),
    ]
    reports = [Target(f"report: {name}", f"/reports/{name}/", REPORT_TARGET_MS) for name in REPORTS]
    return pages + reports


REPORTS = ("opportunities", "leads", "calls", "events")


def measure(client: Client, target: Target, requests: int) -> Measure:
    client.get(target.url)  # warm-up: caches, prepared plans, lazy imports
    reset_queries()  # each request empties the query log: the capture must start from an empty one
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target.url)
    queries = len(captured)  # read now: the captured list is a view on the log the next request empties
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(target.url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return Measure(
        target.name,
        target.url,
        response.status_code,
        queries,
        round(statistics.median(timings), 1),
        round(p95, 1),
        target.limit_ms,
    )


def grow(size: int, log: Callable[[str], None]) -> None:
    missing = size - ThirdParty.objects.count()
    if missing > 0:
        log(f"Adding {missing:,} third parties with their records (seed_demo --size {missing})…")
        call_command("seed_demo", size=missing, verbosity=0)


def data_counts() -> dict[str, int]:
    models = {
        "leads": Lead,
        "third parties": ThirdParty,
        "contacts": Contact,
        "opportunities": Opportunity,
        "events": Event,
    }
    return {label: model._default_manager.count() for label, model in models.items()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size", type=int, default=0, help="Third parties to have at least (seeds the rest)."
    )
    parser.add_argument("--requests", type=int, default=25, help="Timed requests per target.")
    parser.add_argument("--user", default="admin", help="Who requests the pages (admin sees every record).")
    parser.add_argument("--only", default="", help="Only the targets whose name contains this text.")
    parser.add_argument("--json", type=Path, help="Also write the results to this file.")
    args = parser.parse_args(argv)

    if connection.vendor != "postgresql":
        print("The SPEC §9 targets are for PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
    grow(args.size, print)
    user = User.objects.filter(username=args.user).first()
    if user is None:
        print(f"No user {args.user!r}: run `manage.py seed_demo` (or --size N) first.")
        return 2
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    counts = data_counts()
    print(", ".join(f"{count:,} {label}" for label, count in counts.items()), f"— as {user.username}")
    results = [measure(client, t, args.requests) for t in targets() if args.only in t.name]
    width = max(len(result.name) for result in results)
    print(f"{'target':<{width}}  status  queries  p50 ms  p95 ms  limit  verdict")
    for r in results:
        verdict = "ok" if r.ok else "SLOW" if r.status == 200 else "ERROR"
        print(
            f"{r.name:<{width}}  {r.status:>6}  {r.queries:>7}  {r.p50_ms:>6}  {r.p95_ms:>6}  {r.limit_ms:>5}  {verdict}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"counts": counts, "user": user.username, "results": [asdict(r) for r in results]}
        args.json.write_text(json.dumps(payload, indent=2))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
