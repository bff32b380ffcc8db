"""The benchmark keeps working: every target answers 200 and its queries are counted (no timing here)."""

import re

import pytest

from bench import run
from tests.factories import ContactFactory, LeadFactory, OpportunityFactory, ThirdPartyFactory

pytestmark = pytest.mark.django_db


def test_the_benchmark_requests_every_target_and_counts_its_queries(cast, capsys):
    customer = ThirdPartyFactory(is_customer=True, is_prospect=False)
    LeadFactory()
    ContactFactory(main_third_party=customer)
    OpportunityFactory(third_party=customer)

    run.main(["--requests", "1", "--user", "admin"])

    lines = capsys.readouterr().out.splitlines()
    header = next(index for index, line in enumerate(lines) if line.startswith("target "))
    cells = [re.split(r"\s{2,}", line.strip()) for line in lines[header + 1 :]]
    rows = {name: rest for name, *rest in cells}
    assert set(rows) == {target.name for target in run.targets()}
    for name, (status, queries, *_timings, _verdict) in rows.items():
        assert status == "200", name
        assert int(queries) > 0, name
