"""Real Celery workers in subprocesses: on Redis, and on the embedded broker that `make run` uses."""

import os
import socket
import subprocess
import sys
import time
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

ROOT = Path(__file__).resolve().parent.parent
CELERY = [sys.executable, "-m", "celery", "-A", "crm"]
MANAGE = [sys.executable, "manage.py"]

pytestmark = pytest.mark.celery_worker


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:
        self.messages.append(message)

    def subjects(self) -> list[str]:
        return [str(make_header(decode_header(message["Subject"]))) for message in self.messages]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def wait_for(predicate, *, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if process.poll() is not None:
            raise AssertionError(f"the worker stopped: {process.stdout.read() if process.stdout else ''}")
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the background job")


def worker_environment(tmp_path: Path, smtp_port: int, **extra: str) -> dict[str, str]:
    environment = {
        key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")
    }
    environment.update(
        {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
            "CELERY_QUEUE_DIR": str(tmp_path / "queue"),
            **extra,
        }
    )
    return environment


def start_worker(environment: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*CELERY, "worker", "--pool=solo", "--loglevel=info", *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server: `make test` starts one")
def test_a_worker_on_redis_delivers_an_email_through_smtp(tmp_path, smtp_server):
    controller, inbox = smtp_server
    environment = worker_environment(tmp_path, controller.port, REDIS_URL=os.environ["REDIS_URL"])
    worker = start_worker(environment)
    try:
        subprocess.run(
            [
                *CELERY,
                "call",
                "crm.tasks.deliver_email",
                "--kwargs",
                '{"subject": "Relance", "body": "Bonjour", "to": ["lea@apollo.fr"]}',
            ],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
        )
        wait_for(lambda: inbox.messages, timeout=60, process=worker)
    finally:
        stop(worker)
    [message] = inbox.messages
    assert (inbox.subjects(), message["To"]) == (["Relance"], "lea@apollo.fr")


def test_the_embedded_broker_runs_periodic_jobs_without_redis(tmp_path, smtp_server):
    controller, inbox = smtp_server
    environment = worker_environment(tmp_path, controller.port)
    subprocess.run([*MANAGE, "migrate", "--noinput", "-v0"], cwd=ROOT, env=environment, check=True)
    schedule_every_second = (
        "from django_celery_beat.models import IntervalSchedule, PeriodicTask;"
        "every = IntervalSchedule.objects.create(every=1, period='seconds');"
        "PeriodicTask.objects.create(name='test mail', task='crm.tasks.deliver_email', interval=every,"
        ' kwargs=\'{"subject": "Périodique", "body": "ok", "to": ["rep@example.fr"]}\')'
    )
    subprocess.run(
        [*MANAGE, "shell", "--no-imports", "-c", schedule_every_second], cwd=ROOT, env=environment, check=True
    )
    worker = start_worker(environment, "--beat", "--schedule", str(tmp_path / "beat-schedule"))
    try:
        wait_for(lambda: inbox.messages, timeout=90, process=worker)
    finally:
        stop(worker)
    assert inbox.subjects()[0] == "Périodique"
