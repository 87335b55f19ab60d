"""docker-compose.yml, the Dockerfile and docs/deployment.md agree with the code they deploy.

Docker is not on the machines that run these tests: the loopback servers of test_scaleout.py
run the same commands with the same settings, and these tests hold the files to them.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from tests.deploy import servers

COMPOSE = yaml.safe_load((servers.ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_NODES = ["app1", "app2"]
DOCS = (servers.ROOT / "docs" / "deployment.md").read_text()
# Read by a library rather than by name in our code: dj_database_url.config() reads it.
READ_BY_LIBRARIES = {"DATABASE_URL"}
ENV_READ = re.compile(r"""(?:environ\.get|_env_bool|environ\[|getenv)\(?\s*["']([A-Z0-9_]+)["']""")


def variables_read() -> set[str]:
    """Every environment variable the settings and the gunicorn configuration read."""
    sources = [*sorted((servers.ROOT / "kmodquiz").rglob("*.py")), servers.ROOT / "deploy"]
    names = set(READ_BY_LIBRARIES)
    for path in sources:
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            names |= set(ENV_READ.findall(file.read_text()))
    return names


def test_compose_runs_postgres_redis_two_nodes_a_worker_and_a_proxy():
    assert set(SERVICES) >= {"db", "redis", "migrate", *APP_NODES, "worker", "proxy"}
    assert SERVICES["db"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")
    assert SERVICES["proxy"]["image"].startswith("nginx:")
    proxy_config = [v for v in SERVICES["proxy"]["volumes"] if "nginx.conf" in v]
    assert proxy_config == ["./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro"]


@pytest.mark.parametrize("service", [*APP_NODES, "worker", "migrate"])
def test_every_app_process_shares_the_database_cache_and_queue(service):
    env = SERVICES[service]["environment"]
    assert env["DEBUG"] == "0"
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["CACHE_URL"].startswith("redis://redis:6379/")
    assert env["TASKS_BACKEND"] == "rq"
    assert env["TASKS_REDIS_URL"].startswith("redis://redis:6379/")
    assert env["TASKS_REDIS_URL"] != env["CACHE_URL"]


def test_the_nodes_and_the_worker_run_what_the_loopback_test_runs():
    for node in APP_NODES:
        assert SERVICES[node]["command"] == servers.NODE_COMMAND
    assert SERVICES["worker"]["command"] == servers.WORKER_COMMAND
    cmd = re.search(r"^CMD (\[.*\])$", (servers.ROOT / "Dockerfile").read_text(), re.M)
    assert cmd is not None and json.loads(cmd.group(1)) == servers.NODE_COMMAND


def test_nodes_start_after_the_migrations_and_the_proxy_after_healthy_nodes():
    for node in [*APP_NODES, "worker"]:
        depends = SERVICES[node]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert SERVICES["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for node in APP_NODES:
        assert SERVICES["proxy"]["depends_on"][node]["condition"] == "service_healthy"


def test_every_variable_the_code_reads_is_documented():
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)`", DOCS, re.M))
    documented |= {
        name
        for row in re.findall(r"^\| (`[A-Z0-9_]+`(?:, `[A-Z0-9_]+`)+) \|", DOCS, re.M)
        for name in re.findall(r"`([A-Z0-9_]+)`", row)
    }
    assert variables_read() - documented == set()


def test_every_variable_compose_sets_for_the_app_is_one_the_code_reads():
    env = SERVICES["app1"]["environment"]
    assert set(env) - variables_read() == set()


def test_gunicorn_leaves_the_request_line_limit_to_nginx():
    # gunicorn's largest request-line limit (8190) is shorter than a valid topics list.
    config = (servers.ROOT / "deploy" / "gunicorn.conf.py").read_text()
    nginx = (servers.ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"^limit_request_line = 0$", config, re.M)
    assert re.search(r"^\s*large_client_header_buffers 4 32k;$", nginx, re.M)
