"""A minimal HTTP client: one request per connection, as gunicorn's sync workers want."""

from __future__ import annotations

import http.client
import json
import ssl
import uuid
from dataclasses import dataclass
from typing import Any


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


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type; `files` maps a field to (name, data)."""
    boundary = f"kmodquiz-{uuid.uuid4().hex}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
