"""The data stores: a private PostgreSQL cluster and a Redis, each in a temporary directory."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.deploy.servers.base import free_port, postgres_bin, redis_bin, wait_for_port


@dataclass
class Postgres:
    """A private PostgreSQL cluster on 127.0.0.1:port; data and socket under `root`."""

    root: Path
    port: int
    options: str
    bin: Path = field(default_factory=lambda: postgres_bin() or Path("/nonexistent"))

    @property
    def data(self) -> Path:
        return self.root / "pgdata"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run one of PostgreSQL's programs (as the postgres user when we are root)."""
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*as_postgres, str(self.bin / tool), *args],
            check=check,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def client(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        """createdb, pg_dump, pg_restore, psql … connected over TCP as the superuser."""
        return self.run(tool, "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", *args)

    def initdb(self) -> None:
        self.data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.data, "postgres")
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def start(self) -> None:
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "postgres.log"),
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 {self.options}",
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    @property
    def pid(self) -> int:
        """The postmaster's process id (its backends are its children)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def restart(self) -> None:
        """Stop (closing every client's connection) and start again."""
        self.stop()
        self.start()

    def createdb(self, name: str, template: str | None = None) -> str:
        self.client("createdb", *(["-T", template] if template else []), name)
        return self.url(name)


@contextmanager
def postgres_server(root: Path, *, options: str = "") -> Iterator[Postgres]:
    """A fresh cluster (fsync off unless `options` say otherwise: these databases are thrown
    away), stopped at the end."""
    server = Postgres(
        root=root,
        port=free_port(),
        options=f"-c fsync=off -c full_page_writes=off -c max_connections=100 {options}",
    )
    server.initdb()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def redis_server(root: Path) -> Iterator[str]:
    """A Redis on 127.0.0.1 without persistence; yields redis://127.0.0.1:port."""
    binary = redis_bin()
    assert binary is not None, "redis-server is not installed"
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(root),
            "--logfile",
            str(root / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process=process, what="redis-server")
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
