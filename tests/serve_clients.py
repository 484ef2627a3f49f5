#!/usr/bin/python3
"""Bad clients of `iopat serve`, held open while the test scrapes beside them.

usage: serve_clients.py HOST PORT IDLE

IDLE connections that send nothing; one that sends half a request and
stalls; one that asks for /metrics and never reads the answer; and garbage:
random bytes, a 100 KB header line, an unknown method, a path that climbs.
Every garbage request must get an HTTP error or a closed connection, never
a hang past the timeout. Holds them for 6 s, then says what it saw."""
import os
import socket
import sys
import time

host, port, idle = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def connect():
    s = socket.create_connection((host, port), timeout=10)
    return s


held = [connect() for _ in range(idle)]
half = connect()
half.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")  # no blank line: stalls
held.append(half)
deaf = connect()
deaf.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
deaf.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 50)  # never read
held.append(deaf)

garbage = {
    "random bytes": os.urandom(4096),
    "a 100 KB header": b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 100000 + b"\r\n\r\n",
    "an unknown method": b"BREW /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
    "a climbing path": b"GET /../../etc/passwd HTTP/1.0\r\n\r\n",
    "a NUL in the request": b"GET /met\x00rics HTTP/1.1\r\nHost: x\r\n\r\n",
}
answers = {}
for name, req in garbage.items():
    s = connect()
    try:
        s.sendall(req)
        got = s.recv(64)
    except (ConnectionResetError, BrokenPipeError):
        got = b"(reset)"
    except socket.timeout:
        print(f"{name}: no answer within 10 s")
        sys.exit(1)
    first = got.split(b"\r\n")[0].decode("latin-1") or "(closed)"
    if first.startswith("HTTP/1.") and first.split()[1] == "200":
        print(f"{name}: answered 200")
        sys.exit(1)
    answers[name] = first
    s.close()

time.sleep(6)
for s in held:
    s.close()
print(f"{idle} idle connections, a half request and a deaf client held 6 s; " +
      "; ".join(f"{k}: {v}" for k, v in answers.items()))
