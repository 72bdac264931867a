"""A scripted WebSocket client on the ``websocket-client`` package, for the mock server's
acceptance tests.

It takes the same options as ``node_client.js`` and prints the same JSON lines on stdout:
``{"event": "open", "subprotocol"}``, ``{"event": "message", "type", "data"}`` (binary data as
base64), ``{"event": "close", "code", "reason"}``, ``{"event": "error", "message"}`` and
``{"event": "timeout"}``. It exits when the connection closes: 0 after a close that followed
an open, 1 when it never opened, 3 on timeout.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import ssl
import sys
import threading
from typing import Any

import websocket


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--protocol", action="append", default=[], dest="protocols")
    parser.add_argument("--header", action="append", default=[], dest="headers")
    parser.add_argument("--ca")
    parser.add_argument("--send", action="append", dest="outgoing", type=lambda v: ("text", v))
    parser.add_argument(
        "--send-binary", action="append", dest="outgoing", type=lambda v: ("binary", v)
    )
    parser.add_argument("--echo")
    parser.add_argument("--close-on")
    parser.add_argument("--close-code", type=int, default=1000)
    parser.add_argument("--close-reason", default="")
    parser.add_argument("--timeout", type=float, default=30)
    return parser.parse_args(argv)


# The events are written from websocket-client's thread and from the main thread (timeout).
_print_lock = threading.Lock()


def report(**event: Any) -> None:
    with _print_lock:
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()


def main(argv: list[str]) -> int:
    options = parse_args(argv)
    outgoing: list[tuple[str, str]] = options.outgoing or []
    state = {"opened": False}

    def on_open(app: websocket.WebSocketApp) -> None:
        state["opened"] = True
        report(event="open", subprotocol=app.sock.getsubprotocol() or "")
        for kind, data in outgoing:
            if kind == "binary":
                app.send(base64.b64decode(data), opcode=websocket.ABNF.OPCODE_BINARY)
            else:
                app.send(data)

    def on_message(app: websocket.WebSocketApp, message: str | bytes) -> None:
        if isinstance(message, bytes):
            report(event="message", type="binary", data=base64.b64encode(message).decode())
            if options.echo is not None:
                app.send(message, opcode=websocket.ABNF.OPCODE_BINARY)
            return
        report(event="message", type="text", data=message)
        if options.close_on is not None and message == options.close_on:
            app.close(status=options.close_code, reason=options.close_reason.encode())
        elif options.echo is not None:
            app.send(options.echo + message)

    def on_error(app: websocket.WebSocketApp, error: Exception) -> None:
        # websocket-client also calls this for a close the server started; the close event
        # that follows reports it.
        if isinstance(error, websocket.WebSocketConnectionClosedException):
            return
        report(event="error", message=f"{type(error).__name__}: {error}")

    def on_close(app: websocket.WebSocketApp, code: int | None, reason: str | None) -> None:
        report(event="close", code=code, reason=reason or "")

    app = websocket.WebSocketApp(
        options.url,
        header=options.headers,
        subprotocols=options.protocols or None,
        on_open=on_open,
        on_message=on_message,
        on_error=on_error,
        on_close=on_close,
    )
    sslopt: dict[str, Any] = {}
    if options.ca:
        sslopt = {"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": options.ca}
    runner = threading.Thread(target=app.run_forever, kwargs={"sslopt": sslopt}, daemon=True)
    runner.start()
    runner.join(options.timeout)
    if runner.is_alive():
        report(event="timeout")
        # The client thread may be blocked in a read; leave without waiting for it.
        sys.stdout.flush()
        os._exit(3)
    return 0 if state["opened"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
