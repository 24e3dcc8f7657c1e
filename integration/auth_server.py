"""A tiny auth service for callout_auth (1088): its answer depends on the
x-auth-token header the filter forwards.

    good     200 "allowed"
    slow     sleeps SLOW_SECONDS (past the filter's 1 s timeout), then 200
    error    500
    (none)   401 with www-authenticate: Token
    other    403 "forbidden: <method> <x-forwarded-uri>"

    python auth_server.py 127.0.0.1 1238

Started and stopped by lab.py (tests and `make up`); loopback only. Counts
every request it answers on stderr.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_SECONDS = 3.0
TOKEN = "x-auth-token"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        token = self.headers.get(TOKEN)
        if token == "slow":
            time.sleep(SLOW_SECONDS)
        if token in ("good", "slow"):
            self.reply(200, b"allowed\n")
        elif token == "error":
            self.reply(500, b"auth service error\n")
        elif token is None:
            self.reply(401, f"missing {TOKEN}\n".encode(), [("www-authenticate", "Token")])
        else:
            uri = self.headers.get("x-forwarded-uri", "?")
            self.reply(403, f"forbidden: {self.command} {uri}\n".encode())

    def reply(self, status: int, body: bytes, headers: Sequence[tuple[str, str]] = ()):
        self.send_response(status)
        self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = answer

    def log_message(self, format, *args):  # noqa: A002 (BaseHTTPRequestHandler's name)
        sys.stderr.write("auth: " + format % args + "\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # Room for many callouts connecting at once (the default backlog is 5).
    request_queue_size = 256


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    server = Server((host, port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
