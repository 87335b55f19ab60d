"""A stand-in LMS on loopback: the two endpoints a score on its way to a gradebook needs.

The tool asks the token endpoint for an access token (OAuth 2 client credentials), then posts
the learner's score to the line item's `/scores`. Every score posted is kept, for the test to
read. Nothing is verified: it stands in for the LMS, not for its security.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.deploy.servers.base import free_port


@dataclass
class Lms:
    url: str
    scores: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def simulated_lms() -> Iterator[Lms]:
    port = free_port()
    lms = Lms(url=f"http://127.0.0.1:{port}")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/token":
                self._json({"access_token": "loopback", "token_type": "Bearer", "expires_in": 3600})
            elif self.path.endswith("/scores"):
                lms.scores.append({"path": self.path, **json.loads(body)})
                self._json({})
            else:
                self.send_error(404)

        def _json(self, data: dict[str, Any]) -> None:
            payload = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # quiet

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield lms
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
