"""The shared cast: two companies, two teams, two reps, a manager of the first company, an admin."""

import socket
from dataclasses import dataclass

import pytest
from django.test import Client

from crm.models import Company, Role, Team, User

from .factories import CompanyFactory, TeamFactory, UserFactory


@dataclass
class Cast:
    north_company: Company
    south_company: Company
    north: Team
    south: Team
    rep: User
    rep2: User
    manager: User
    admin: User


@pytest.fixture
def cast(db) -> Cast:
    north_company = CompanyFactory(name="Dupont Industrie", code="DUP")
    south_company = CompanyFactory(name="Dupont Services", code="DSV")
    rep = UserFactory(username="rep", role=Role.REP)
    rep2 = UserFactory(username="rep2", role=Role.REP)
    manager = UserFactory(username="manager", role=Role.MANAGER)
    admin = UserFactory(username="admin", role=Role.ADMIN)
    manager.companies.set([north_company])
    for user, company in ((rep, north_company), (rep2, south_company), (manager, north_company)):
        user.companies.add(company)
        user.active_company = company
        user.save(update_fields=["active_company"])
    north = TeamFactory(name="Équipe Nord", leader=manager, company=north_company)
    north.members.set([rep])
    south = TeamFactory(name="Équipe Sud", company=south_company)
    south.members.set([rep2])
    return Cast(north_company, south_company, north, south, rep, rep2, manager, admin)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _no_outgoing_network(monkeypatch):
    """Tests talk to this machine only: any other address is a bug in the test."""
    real_connect = socket.socket.connect

    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or "/" in host
        ):
            raise RuntimeError(f"Outgoing network access in a test: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttling counters and cached values must not leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploads and generated files (catalogs, demo data) never land in the real media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
