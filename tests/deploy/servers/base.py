"""What every loopback server shares: paths, ports, process helpers and the one secret key."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
# One key for every node: a session, a CSRF token or a card's serve token signed by one node
# must be accepted by the others.
SECRET_KEY = "kmodquiz-loopback-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_bin() -> str | None:
    return shutil.which("redis-server")


def nginx_bin() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's binaries (Debian's layout), or None."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return candidates[-1].parent if candidates else None


def missing_servers() -> list[str]:
    """What the scale-out tests need and this machine lacks (empty: all there)."""
    missing = []
    if postgres_bin() is None:
        missing.append("PostgreSQL (apt-get install postgresql)")
    if redis_bin() is None:
        missing.append("redis-server (apt-get install redis-server)")
    return missing


@contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    """A temporary directory that the postgres user may enter (pytest's tmp_path is private)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(path, 0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def wait_for_port(
    port: int, *, process: subprocess.Popen[Any] | None = None, what: str, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{what} exited at start (code {process.returncode})") from None
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout:.0f} s")


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat(int(entry.name))
        if fields is not None and int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its living children: what a
    server costs, whatever else the machine is busy with."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for each in [pid, *children(pid)]:
        fields = _stat(each)
        if fields is not None:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total
