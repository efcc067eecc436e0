"""A stand-in for the AWS federation endpoint (signin.aws.amazon.com/federation)
for the `console` end-to-end tests, on 127.0.0.1.

Usage: python federation.py PORT RECORD_FILE   (PORT 0: any free port)

Prints `READY http://127.0.0.1:PORT/federation` first, then serves until stdin
closes, SIGTERM/SIGINT arrives or E2E_PEER_MAX_SECONDS (default 3600) pass.

* `Action=getSigninToken&SessionType=json&Session=JSON` with exactly the keys
  sessionId, sessionKey, sessionToken (non-empty strings) answers
  `{"SigninToken": "standin-…"}`; anything else answers 400.
* `Action=login&Issuer=…&Destination=https://…&SigninToken=<one we issued>`
  answers 200; anything else answers 400.
Every request is appended to RECORD_FILE as one JSON line, with what was
checked, so the tests can assert on it.
"""

import json
import secrets
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import peer_life

ISSUED = set()
LOCK = threading.Lock()


def record(path, entry):
    with LOCK, open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


def make_handler(record_path):
    class Handler(BaseHTTPRequestHandler):
        timeout = 5

        def log_message(self, *_args):
            pass

        def answer(self, status, body, content_type="application/json"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlsplit(self.path)
            query = parse_qs(url.query, keep_blank_values=True)
            one = lambda k: (query.get(k) or [None])[0]
            action = one("Action")
            entry = {"path": url.path, "action": action, "keys": sorted(query)}
            if url.path != "/federation":
                entry["ok"] = False
                record(record_path, entry)
                return self.answer(404, '{"error":"not found"}')
            if action == "getSigninToken":
                try:
                    session = json.loads(one("Session") or "")
                except ValueError:
                    session = None
                ok = (
                    one("SessionType") == "json"
                    and isinstance(session, dict)
                    and sorted(session) == ["sessionId", "sessionKey", "sessionToken"]
                    and all(isinstance(v, str) and v for v in session.values())
                )
                entry.update(ok=ok, session=session)
                record(record_path, entry)
                if not ok:
                    return self.answer(400, '{"error":"bad Session"}')
                token = "standin-" + secrets.token_urlsafe(24)
                with LOCK:
                    ISSUED.add(token)
                return self.answer(200, json.dumps({"SigninToken": token}))
            if action == "login":
                with LOCK:
                    token_ok = one("SigninToken") in ISSUED
                destination = one("Destination") or ""
                ok = token_ok and destination.startswith("https://") and bool(one("Issuer"))
                entry.update(ok=ok, token_ok=token_ok, issuer=one("Issuer"), destination=destination)
                record(record_path, entry)
                if not ok:
                    return self.answer(400, "refused", "text/plain")
                return self.answer(200, "signed in", "text/plain")
            entry["ok"] = False
            record(record_path, entry)
            return self.answer(400, '{"error":"unknown Action"}')

    return Handler


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    record_path = sys.argv[2]
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(record_path))
    server.daemon_threads = True
    print(f"READY http://127.0.0.1:{server.server_address[1]}/federation", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    peer_life.wait_until_done()
    server.shutdown()


if __name__ == "__main__":
    main()
