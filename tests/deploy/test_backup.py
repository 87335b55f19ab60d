"""A backup restores: deploy/backup.sh, deploy/restore.sh into a fresh database, a smoke test.

The database holds the kernel-modules bank and the demo learner's reviews; the dump is restored
into a new, empty database, migrated as an upgrade would be, served by gunicorn, and used:
sign in (an API token from the password), the next card, a review. Skipped when PostgreSQL is
absent; CI (KMODQUIZ_REQUIRE_SCALEOUT) fails on that skip.
"""

from __future__ import annotations

import base64
import os
import subprocess
import uuid
from http import HTTPStatus

import pytest

from tests.deploy import servers
from tests.deploy.seed import review_for

pytestmark = pytest.mark.scaleout

BANK = "linux-kernel-modules"
LEARNER, PASSWORD = "learner", "kmodquiz-demo"  # manage.py ensure_demo_users


def _script(name: str, database_url: str, postgres: servers.Postgres, *args: str) -> str:
    result = subprocess.run(
        [str(servers.ROOT / "deploy" / name), *args],
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "PATH": f"{postgres.bin}:{os.environ['PATH']}",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _count(postgres: servers.Postgres, database: str, table: str) -> int:
    out = postgres.client("psql", "-At", "-d", database, "-c", f"SELECT count(*) FROM {table}")
    return int(out.stdout.strip())


def test_a_dump_restored_into_a_fresh_database_passes_a_smoke_test():
    with servers.workdir("kmodquiz-backup-") as root, servers.postgres_server(root) as postgres:
        source = servers.app_env(postgres.createdb("kmodquiz"))
        servers.manage(source, "migrate", "--noinput", "-v", "0")
        servers.manage(source, "load_bank", str(servers.ROOT / "fixtures" / f"{BANK}.json"))
        servers.manage(source, "ensure_demo_users")
        servers.manage(source, "demo_history", "--days", "4", "--learners", "3")
        reviews = _count(postgres, "kmodquiz", "quizzes_reviewlog")
        questions = _count(postgres, "kmodquiz", "quizzes_question")
        assert reviews > 0 and questions > 0

        dump = root / "kmodquiz.dump"
        _script("backup.sh", source["DATABASE_URL"], postgres, str(dump))
        restored = servers.app_env(postgres.createdb("restored"))
        _script("restore.sh", restored["DATABASE_URL"], postgres, str(dump))
        servers.manage(restored, "migrate", "--noinput", "-v", "0")  # the upgrade step
        assert _count(postgres, "restored", "quizzes_reviewlog") == reviews
        assert _count(postgres, "restored", "quizzes_question") == questions

        with servers.gunicorn(restored, workers=1) as node:
            _smoke_test(node.port)
        assert _count(postgres, "restored", "quizzes_reviewlog") == reviews + 1
        assert _count(postgres, "kmodquiz", "quizzes_reviewlog") == reviews


def _smoke_test(port: int) -> None:
    basic = base64.b64encode(f"{LEARNER}:{PASSWORD}".encode()).decode()
    signed_in = servers.request(
        port,
        "POST",
        "/api/v1/tokens",
        {"name": "smoke"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert signed_in.status == HTTPStatus.CREATED, signed_in.body
    auth = {"Authorization": f"Token {signed_in.json()['token']}"}

    served = servers.request(port, "GET", f"/api/v1/banks/{BANK}/study/next", headers=auth)
    assert served.status == HTTPStatus.OK and served.json()["card"] is not None
    recorded = servers.request(
        port,
        "POST",
        "/api/v1/reviews",
        review_for(served.json()),
        headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert recorded.status == HTTPStatus.CREATED, recorded.body
