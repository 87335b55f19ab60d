"""Throwaway servers on loopback: PostgreSQL, Redis, gunicorn app nodes and a task worker.

Used by the scale-out and backup tests and by the scripts in bench/. Each server lives in a
temporary directory and is stopped (with every process it started) when its context ends.
PostgreSQL refuses to run as root, so as root its tools run as the `postgres` user.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
# One key for every node: a session, a CSRF token or a card's serve token signed by one node
# must be accepted by the others.
SECRET_KEY = "kmodquiz-loopback-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's binaries (Debian's layout), or None."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return candidates[-1].parent if candidates else None


def redis_bin() -> str | None:
    return shutil.which("redis-server")


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


# --- PostgreSQL ---------------------------------------------------------------------------------


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


# --- Redis --------------------------------------------------------------------------------------


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


# --- the application ----------------------------------------------------------------------------


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


def _children(pid: int) -> list[int]:
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
    for each in [pid, *_children(pid)]:
        fields = _stat(each)
        if fields is not None:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


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
                PYTHON,
                "-m",
                "gunicorn",
                "kmodquiz.wsgi:application",
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
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
        return _children(self.process.pid)

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
            [
                PYTHON,
                "manage.py",
                "rqworker",
                "--job-class",
                "django_tasks_rq.Job",
                "--with-scheduler",
                "default",
            ],
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


# --- nginx --------------------------------------------------------------------------------------


def nginx_bin() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


def _self_signed(root: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 and localhost (the cryptography package)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = root / "fullchain.pem", root / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Proxy:
    http_port: int
    https_port: int


@contextmanager
def nginx_proxy(root: Path, node_ports: list[int]) -> Iterator[Proxy]:
    """deploy/nginx.conf as docker-compose.yml mounts it, with its upstream servers, ports and
    certificate pointed at loopback; run by the distribution's nginx."""
    binary = nginx_bin()
    assert binary is not None, "nginx is not installed"
    home = root / "nginx"
    home.mkdir()
    cert, key = _self_signed(home)
    proxy = Proxy(http_port=free_port(), https_port=free_port())
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    upstreams = "\n".join(
        f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;" for port in node_ports
    )
    site = re.sub(r"(?m)^    server app\d:8000 .*$\n?", "", site)
    site = site.replace("    least_conn;\n", f"    least_conn;\n{upstreams}\n")
    site = re.sub(r"(?m)^    listen \[::\].*$\n", "", site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{proxy.http_port};")
    site = site.replace("listen 443 ", f"listen 127.0.0.1:{proxy.https_port} ")
    site = site.replace("/etc/nginx/certs/fullchain.pem", str(cert))
    site = site.replace("/etc/nginx/certs/privkey.pem", str(key))
    (home / "site.conf").write_text(site)
    (home / "nginx.conf").write_text(
        f"""daemon off;
worker_processes 1;
pid {home}/nginx.pid;
error_log {home}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {home}/body;
    proxy_temp_path {home}/proxy;
    fastcgi_temp_path {home}/fastcgi;
    uwsgi_temp_path {home}/uwsgi;
    scgi_temp_path {home}/scgi;
    include {home}/site.conf;
}}
"""
    )
    process = subprocess.Popen(
        [binary, "-e", str(home / "error.log"), "-p", str(home), "-c", str(home / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # its errors go to error.log
    )
    try:
        wait_for_port(proxy.https_port, process=process, what="nginx", timeout=20)
        yield proxy
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- HTTP ---------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request(
    port: int,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
    tls: bool = False,
) -> Response:
    """One HTTP request on a new connection (gunicorn's sync workers close each one); a dict
    or list body is sent as JSON, bytes or str as they are. `tls`: HTTPS, trusting any
    certificate (the proxy's is self-signed)."""
    all_headers = {"Accept": "application/json", **(headers or {})}
    payload: bytes | None
    if isinstance(body, dict | list):
        payload = json.dumps(body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        payload = body.encode()
    else:
        payload = body
    conn = (
        http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=timeout, context=ssl._create_unverified_context()
        )
        if tls
        else http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    )
    try:
        conn.request(method, path, body=payload, headers=all_headers)
        response = conn.getresponse()
        merged: dict[str, str] = {}
        for name, value in response.getheaders():  # repeated headers (Set-Cookie) are joined
            name = name.lower()
            merged[name] = f"{merged[name]}, {value}" if name in merged else value
        return Response(status=response.status, headers=merged, body=response.read())
    finally:
        conn.close()
