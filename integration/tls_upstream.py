"""TLS upstreams for the listener-filter listeners: one HTTPS server per
(port, name), each with its own self-signed certificate for that name, made
with the openssl command line. Every GET answers `Hello from TLS upstream
{name}`, so a client sees by the body and the certificate which one it reached.

    python tls_upstream.py CERT_DIR 1235=default.lab.test 1236=a.lab.test

Started and stopped by lab.py (tests and `make up`); loopback only.
"""

from __future__ import annotations

import http.server
import signal
import ssl
import subprocess
import sys
import threading
from pathlib import Path


def make_cert(cert_dir: Path, name: str) -> tuple[Path, Path]:
    """A self-signed P-256 certificate for `name` (CN and subjectAltName)."""
    cert, key = cert_dir / f"{name}.crt", cert_dir / f"{name}.key"
    if not cert.exists() or not key.exists():
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "2",
                "-subj",
                f"/CN={name}",
                "-addext",
                f"subjectAltName=DNS:{name}",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
        )
    return cert, key


def serve(port: int, name: str, cert: Path, key: Path) -> http.server.ThreadingHTTPServer:
    body = f"Hello from TLS upstream {name}\n".encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("content-type", "text/plain")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *args):
            sys.stderr.write(f"{name}: {fmt % args}\n")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str]) -> int:
    cert_dir = Path(argv[0])
    cert_dir.mkdir(parents=True, exist_ok=True)
    servers = []
    for spec in argv[1:]:
        port, name = spec.split("=", 1)
        servers.append(serve(int(port), name, *make_cert(cert_dir, name)))
    print(f"tls_upstream: serving {' '.join(argv[1:])}", flush=True)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    for s in servers:
        s.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
