"""nginx in front of the nodes, configured by deploy/nginx.conf as docker-compose.yml uses it."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.deploy.servers.base import ROOT, free_port, nginx_bin, wait_for_port


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
