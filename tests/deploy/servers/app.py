"""The application's processes: gunicorn nodes and the RQ task worker, with their settings."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from tests.deploy.servers.base import (
    PYTHON,
    ROOT,
    SECRET_KEY,
    children,
    free_port,
    wait_for_port,
)
from tests.deploy.servers.client import request

# The commands docker-compose.yml gives the app nodes and the worker (test_compose.py
# holds it to them); here "gunicorn" and "python" are this interpreter's.
NODE_COMMAND = ["gunicorn", "--config", "deploy/gunicorn.conf.py", "kmodquiz.wsgi:application"]
WORKER_COMMAND = [
    "python",
    "manage.py",
    "rqworker",
    "--job-class",
    "django_tasks_rq.Job",
    "--with-scheduler",
    "default",
]


def _here(command: list[str]) -> list[str]:
    program, *args = command
    return [PYTHON, *(["-m", "gunicorn"] if program == "gunicorn" else []), *args]


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of an app node in production mode (DEBUG off) on loopback."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",  # plain HTTP on loopback
        "LOG_LEVEL": "ERROR",
        # No collectstatic for these servers: whitenoise would warn once per worker.
        "PYTHONWARNINGS": "ignore:No directory at",
        "DJANGO_SETTINGS_MODULE": "kmodquiz.settings",
        **extra,
    }


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run `manage.py` with `env`; its standard output (raises, with stderr, on failure)."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


class Gunicorn:
    """One app node: gunicorn with `workers` sync workers (None: deploy/gunicorn.conf.py's
    number) on 127.0.0.1:port."""

    def __init__(
        self, env: dict[str, str], *, workers: int | None = 2, port: int | None = None
    ) -> None:
        self.env = env
        self.workers = workers
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        self.process = subprocess.Popen(
            [
                *_here(NODE_COMMAND),
                *(["--workers", str(self.workers)] if self.workers else []),
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            # No access log: the benches send thousands of requests.
            env={"GUNICORN_ACCESS_LOG": "", **self.env},
            start_new_session=True,  # its own process group, stopped with its workers
        )
        wait_for_port(self.port, process=self.process, what="gunicorn", timeout=timeout)
        # Listening comes before the workers have imported the app: wait until one answers.
        deadline = time.monotonic() + timeout
        while True:
            try:
                if request(self.port, "GET", "/healthz").status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn answered no health check")
            time.sleep(0.2)

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        return children(self.process.pid)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int | None = 2) -> Iterator[Gunicorn]:
    node = Gunicorn(env, workers=workers)
    try:
        node.start()
        yield node
    finally:
        node.stop()


@contextmanager
def gunicorn_nodes(env: dict[str, str], *, count: int, workers: int) -> Iterator[list[Gunicorn]]:
    """`count` app nodes on one environment, started side by side."""
    nodes = [Gunicorn(env, workers=workers) for _ in range(count)]
    try:
        with ThreadPoolExecutor(max_workers=count) as pool:
            for started in [pool.submit(node.start) for node in nodes]:
                started.result()
        yield nodes
    finally:
        for node in nodes:
            node.stop()


@contextmanager
def rq_worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The task worker, as deploy/ runs it: `manage.py rqworker` with the tasks' job class."""
    with open(log, "wb") as out:
        process = subprocess.Popen(
            _here(WORKER_COMMAND),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
