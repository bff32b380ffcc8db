"""End to end: real Celery workers on Redis send a due reminder through a real SMTP server, once.

The workers run in subprocesses, so they share a file SQLite database with the set-up commands (not
the test database); this works the same in the SQLite and the PostgreSQL test runs.
"""

import os
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.test_background_jobs import (  # the shared helpers of the worker tests
    CELERY,
    MANAGE,
    ROOT,
    smtp_server,  # noqa: F401 - fixture
    stop,
    wait_for,
    worker_environment,
)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"), reason="needs a Redis server: `make test` starts one"
    ),
]

CREATE_DUE_REMINDER = """
from datetime import timedelta
from django.utils import timezone
from crm.models import User
from events.services import event_create, reminder_create
owner = User.objects.create(username="paul", email="paul@example.fr", first_name="Paul", last_name="Girard")
event = event_create(user=owner, fields={"subject": "Démo produit", "start": timezone.now() + timedelta(minutes=10)})
reminder_create(event=event, user=owner, mode="before_start", duration=15, unit="minutes")
"""

REMINDER_STATE = """
from events.models import Reminder
reminder = Reminder.objects.get()
print(reminder.sent_at is not None, reminder.attempts)
"""


def manage(environment: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [*MANAGE, *args], cwd=ROOT, env=environment, check=True, capture_output=True, text=True
    )
    return done.stdout


def start_worker(environment: dict[str, str], name: str, queue: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*CELERY, "worker", "--pool=solo", "--loglevel=info", "-n", f"{name}@%h", "-Q", queue],
        cwd=ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_workers_running_the_task_three_times_deliver_a_due_reminder_once(tmp_path, smtp_server):  # noqa: F811
    controller, inbox = smtp_server
    environment = worker_environment(tmp_path, controller.port, REDIS_URL=os.environ["REDIS_URL"])
    manage(environment, "migrate", "--noinput", "-v0")
    manage(environment, "shell", "--no-imports", "-c", CREATE_DUE_REMINDER)
    # A queue of its own: other worker tests may share the Redis server.
    queue = f"events-e2e-{uuid.uuid4().hex}"
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [
        start_worker(environment, f"w{index}-{queue}", queue, log) for index, log in enumerate(logs, 1)
    ]
    try:
        for _ in range(3):  # a periodic run, a retry and an overlapping run
            subprocess.run(
                [*CELERY, "call", "events.tasks.send_due_reminders", "--queue", queue],
                cwd=ROOT,
                env=environment,
                check=True,
                capture_output=True,
            )

        def all_three_runs_finished() -> bool:
            return sum(log.read_text().count("succeeded in") for log in logs) == 3

        try:
            for worker in workers:
                wait_for(all_three_runs_finished, timeout=180, process=worker)
        except AssertionError as error:
            raise AssertionError("\n".join([str(error), *(log.read_text() for log in logs)])) from error
    finally:
        for worker in workers:
            stop(worker)
    [message] = inbox.messages
    assert (inbox.subjects(), message["To"]) == (["Rappel : Démo produit"], "paul@example.fr")
    assert manage(environment, "shell", "--no-imports", "-c", REMINDER_STATE).split() == ["True", "1"]
