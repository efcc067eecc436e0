"""A fault-injecting HTTP front for the aws-cli-oidc end-to-end tests.

Usage: python3 fault_front.py TARGET_URL [PORT]   (PORT 0 or absent: any free port)

Forwards every request to TARGET_URL (moto's STS or the oidc-provider) and
returns the answer, except that the first N requests of a path (all paths
when unset) fail with one kind of fault. Prints `READY http://127.0.0.1:PORT`
as its first stdout line; serves until stdin closes, SIGTERM/SIGINT arrives or
E2E_PEER_MAX_SECONDS pass.

A discovery document passing through has its token_endpoint rewritten to
point at this front (the issuer and the browser's endpoints are kept), so
token requests come here too.

Admin (not forwarded, not counted):
  GET /__fault/set?kind=KIND&count=N[&path=/token][&after=K][&retry_after=S]
      arm N faults (after K more requests to that path have passed through
      untouched); retry_after is kind=429's Retry-After value (default 1)
  POST /__fault/set with a JSON object of the same keys, plus for
      kind=answer: "status", "content_type" and "body" (a canned answer)
  GET /__fault/stats   {"attempts": {"/path": n, ...}, "faults": n}

KIND: 500 502 503 504 | throttling idp_error internal_failure (STS 400 with
that Code) | access_denied invalid_identity_token (STS 403/400, not
retryable) | 429 (Retry-After: 1, or retry_after) | reset (close the connection unanswered)
| hang (accept, read, never answer).
"""

import http.client
import json
import os
import signal
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STS_ERROR = (
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    "<Error><Type>{type}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
    "<RequestId>e2e-fault-front</RequestId></ErrorResponse>"
)
STS_FAULTS = {
    "throttling": (400, "Sender", "Throttling", "Rate exceeded"),
    "idp_error": (400, "Sender", "IDPCommunicationError", "the provider could not be reached"),
    "internal_failure": (500, "Receiver", "InternalFailure", "internal failure"),
    "access_denied": (403, "Sender", "AccessDenied", "not authorized"),
    "invalid_identity_token": (400, "Sender", "InvalidIdentityToken", "bad token"),
}
KINDS = {"500", "502", "503", "504", "429", "reset", "hang", "answer"} | set(STS_FAULTS)

target = urllib.parse.urlsplit(sys.argv[1])
port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
max_seconds = int(os.environ.get("E2E_PEER_MAX_SECONDS", "3600"))
hang_seconds = min(max_seconds, 120)

lock = threading.Lock()
state = {"kind": None, "count": 0, "path": None, "after": 0, "answer": None, "retry_after": "1",
         "attempts": {}, "faults": 0}
stop = threading.Event()


class Front(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: stderr is the harness's log
        sys.stderr.write("[fault_front] " + (fmt % args) + "\n")

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def reply(self, status, body, headers=()):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path == "/__fault/set":
            if self.command == "POST":
                spec = json.loads(body)
            else:
                spec = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
            kind = spec.get("kind", "")
            if kind not in KINDS:
                self.reply(400, f"unknown kind {kind!r}")
                return
            with lock:
                state.update(kind=kind, count=int(spec.get("count", 1)),
                             path=spec.get("path"), after=int(spec.get("after", 0)),
                             retry_after=str(spec.get("retry_after", "1")),
                             answer=(int(spec.get("status", 200)), spec.get("content_type", ""),
                                     spec.get("body", "")))
            self.reply(200, "armed")
            return
        if url.path == "/__fault/stats":
            with lock:
                body = json.dumps({"attempts": state["attempts"], "faults": state["faults"]})
            self.reply(200, body, [("Content-Type", "application/json")])
            return
        with lock:
            state["attempts"][url.path] = state["attempts"].get(url.path, 0) + 1
            fault = None
            if state["count"] > 0 and state["path"] in (None, url.path):
                if state["after"] > 0:
                    state["after"] -= 1
                else:
                    state["count"] -= 1
                    state["faults"] += 1
                    fault = state["kind"]
        if fault:
            self.fault(fault)
            return
        self.forward(body)

    def fault(self, kind):
        if kind == "reset":
            # SO_LINGER 0: the close sends RST, a "connection reset by peer".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
            self.close_connection = True
            return
        if kind == "hang":
            stop.wait(hang_seconds)
            self.close_connection = True
            return
        if kind == "answer":
            status, content_type, body = state["answer"]
            headers = [("Content-Type", content_type)] if content_type else []
            self.reply(status, body, headers)
            return
        if kind == "429":
            self.reply(429, "slow down", [("Retry-After", state["retry_after"])])
            return
        if kind in STS_FAULTS:
            status, typ, code, message = STS_FAULTS[kind]
            self.reply(status, STS_ERROR.format(type=typ, code=code, message=message),
                       [("Content-Type", "text/xml")])
            return
        self.reply(int(kind), f"fault {kind}", [("Content-Type", "text/plain")])

    def forward(self, body):
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "connection", "content-length")}
        headers["Host"] = target.netloc
        try:
            conn.request(self.command, self.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            out = [(k, v) for k, v in resp.getheaders()
                   if k.lower() not in ("content-length", "connection", "transfer-encoding")]
        finally:
            conn.close()
        if self.path.startswith("/.well-known/openid-configuration") and resp.status == 200:
            doc = json.loads(data)
            base = f"{target.scheme}://{target.netloc}"
            front = f"http://127.0.0.1:{self.server.server_address[1]}"
            value = doc.get("token_endpoint")
            if isinstance(value, str) and value.startswith(base):
                doc["token_endpoint"] = front + value[len(base):]
            data = json.dumps(doc).encode("utf-8")
        self.reply(resp.status, data, out)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", port), Front)
    server.daemon_threads = True

    def shutdown(*_):
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            shutdown()

    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Timer(max_seconds, shutdown).start()
    sys.stdout.write(f"READY http://127.0.0.1:{server.server_address[1]}\n")
    sys.stdout.flush()
    server.serve_forever()
    os._exit(0)


if __name__ == "__main__":
    main()
