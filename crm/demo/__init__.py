"""The demo data set behind `manage.py seed_demo`: a French SMB with its sales team and accounts.

The run is a list of steps, called in order with one DemoRun. The crm core step creates the third
parties (with addresses and contacts); an app adds its own data by appending its step to STEPS,
for example "leads.demo.seed_leads", a function taking the DemoRun. A step may use `run.cast`
(the demo users, teams and companies), `run.rng` (never the global random module: the data set
must be reproducible), the ids created by earlier steps, and records its counts in `run.created`
for the command's summary. Steps must use bulk_create for anything that grows with `run.size`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import import_string

from crm.models import ThirdParty

from .core import (
    DEFAULT_CONTACT_WEIGHTS,
    SCALED_CONTACT_WEIGHTS,
    Cast,
    demo_users_exist,
    seed_third_parties,
    seed_users,
)

DEFAULT_SIZE = 60
DEFAULT_SEED = 42

STEPS: list[str] = [
    "crm.demo.third_parties_step",
    "leads.demo.seed_leads",
    "opportunities.demo.seed_opportunities",
    "events.demo.seed_events",
    "catalogs.demo.seed_catalogs",
]


@dataclass
class DemoRun:
    cast: Cast
    size: int  # number of third parties to create; other steps scale on it
    default_set: bool  # the first, richer data set (no --size)
    rng: random.Random
    log: Callable[[str], None]
    created: dict[str, int] = field(default_factory=dict)  # what was created, for the summary
    third_party_ids: list[int] = field(default_factory=list)
    contact_ids: list[int] = field(default_factory=list)


def seed(
    size: int | None = None, *, random_seed: int = DEFAULT_SEED, log: Callable[[str], None] = print
) -> DemoRun | None:
    """Create the demo data set; None when there is no `size` and the demo users already exist.

    Without `size`: the default set, once. With `size`: `size` more third parties each time (the
    users, teams and companies are reused). The random generator is seeded with `random_seed`, shifted
    by the number of third parties already present so that a second run does not repeat the names
    and SIRET numbers of the first one.
    """
    if size is None and demo_users_exist():
        return None
    cast = seed_users()
    existing = ThirdParty.objects.count()
    run = DemoRun(
        cast=cast,
        size=DEFAULT_SIZE if size is None else size,
        default_set=size is None,
        rng=random.Random(random_seed + existing),
        log=log,
    )
    for path in STEPS:
        import_string(path)(run)
    return run


def third_parties_step(run: DemoRun) -> None:
    seeded = seed_third_parties(
        run.cast,
        run.size,
        run.rng,
        contact_weights=DEFAULT_CONTACT_WEIGHTS if run.default_set else SCALED_CONTACT_WEIGHTS,
        log=run.log,
    )
    run.third_party_ids += seeded.third_party_ids
    run.contact_ids += seeded.contact_ids
    run.created["third parties"] = len(seeded.third_party_ids)
    run.created["addresses"] = seeded.addresses
    run.created["contacts"] = len(seeded.contact_ids)
    run.created["activities"] = run.created.get("activities", 0) + seeded.activities


__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_SIZE",
    "STEPS",
    "Cast",
    "DemoRun",
    "seed",
    "seed_third_parties",
    "seed_users",
]
