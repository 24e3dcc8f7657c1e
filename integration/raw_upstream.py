"""A raw-socket HTTP/1.1 upstream that keeps the exact bytes of every request
head it receives (behind 1147/1148, the HTTP/1 header formatter's listeners):
each head is appended to the log file given, and sent back as the response
body, so a client sees byte for byte what the upstream got. The response
carries `X-Upstream-Case: Preserved`, spelled so, to show what becomes of an
upstream's spelling on the way back. Keep-alive; bodies (Content-Length only)
are read and dropped; a head over 256 KiB closes the connection.

    python raw_upstream.py HOST PORT LOG
"""

from __future__ import annotations

import socket
import sys
import threading

MAX_HEAD = 256 * 1024


def content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip() or b"0")
    return 0


def serve(conn: socket.socket, log, lock: threading.Lock) -> None:
    buf = b""
    with conn:
        while True:
            while b"\r\n\r\n" not in buf:
                data = conn.recv(65536)
                if not data or len(buf) > MAX_HEAD:
                    return
                buf += data
            head, buf = buf.split(b"\r\n\r\n", 1)
            need = content_length(head)
            while len(buf) < need:
                data = conn.recv(65536)
                if not data:
                    return
                buf += data
            buf = buf[need:]
            with lock:
                log.write(head + b"\r\n\r\n")
                log.flush()
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nX-Upstream-Case: Preserved\r\nContent-Type: text/plain\r\n"
                + b"Content-Length: %d\r\n\r\n" % (len(head) + 4)
                + head
                + b"\r\n\r\n"
            )


def main() -> None:
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    lock = threading.Lock()
    with open(path, "ab") as log, socket.create_server((host, port), reuse_port=False) as server:
        while True:
            conn, _ = server.accept()
            threading.Thread(target=serve, args=(conn, log, lock), daemon=True).start()


if __name__ == "__main__":
    main()
