"""Throwaway servers on loopback: PostgreSQL, Redis, gunicorn nodes, the task worker, nginx, an LMS.

Used by the scale-out and backup tests and by the scripts in bench/. Each server lives in a
temporary directory and is stopped (with every process it started) when its context ends.
PostgreSQL refuses to run as root, so as root its tools run as the `postgres` user.
"""

from tests.deploy.servers.app import (
    NODE_COMMAND,
    WORKER_COMMAND,
    Gunicorn,
    app_env,
    gunicorn,
    gunicorn_nodes,
    manage,
    rq_worker,
)
from tests.deploy.servers.base import (
    PYTHON,
    ROOT,
    SECRET_KEY,
    cpu_seconds,
    free_port,
    missing_servers,
    nginx_bin,
    postgres_bin,
    redis_bin,
    wait_for_port,
    workdir,
)
from tests.deploy.servers.client import Response, multipart, request
from tests.deploy.servers.lms import Lms, simulated_lms
from tests.deploy.servers.proxy import Proxy, nginx_proxy
from tests.deploy.servers.stores import Postgres, postgres_server, redis_server

__all__ = [
    "NODE_COMMAND",
    "WORKER_COMMAND",
    "PYTHON",
    "ROOT",
    "SECRET_KEY",
    "Gunicorn",
    "Lms",
    "Postgres",
    "Proxy",
    "Response",
    "app_env",
    "cpu_seconds",
    "free_port",
    "gunicorn",
    "gunicorn_nodes",
    "manage",
    "missing_servers",
    "multipart",
    "nginx_bin",
    "nginx_proxy",
    "postgres_bin",
    "postgres_server",
    "redis_bin",
    "redis_server",
    "request",
    "rq_worker",
    "simulated_lms",
    "wait_for_port",
    "workdir",
]
