"""How long a Python test peer lives: until its stdin closes (the test that
started it died), SIGTERM/SIGINT arrives, or E2E_PEER_MAX_SECONDS (default
3600) pass. Shared by moto_sts.py and federation.py."""

import os
import signal
import sys
import threading


def wait_until_done():
    """Block until the peer should stop. Call it from the main thread."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except Exception:
            pass
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    # Bounded: wake up regularly, and never live longer than the limit.
    deadline = float(os.environ.get("E2E_PEER_MAX_SECONDS", "3600"))
    waited = 0.0
    while not stop.wait(0.5) and waited < deadline:
        waited += 0.5
