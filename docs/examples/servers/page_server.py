"""A tiny HTTP server for ``08_selenium_page.robot``: serves ``price_page.html``.

Run as ``python page_server.py --port-file FILE``. It listens on a free port of 127.0.0.1,
writes that port to FILE, and answers ``GET /`` (any query string) with the page; every
other path is 404. The page reads the WebSocket URL to connect to from its query string,
``/?ws=ws://127.0.0.1:PORT``, so the test points it at its mock server.
"""

from __future__ import annotations

import argparse
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

PAGE = (Path(__file__).resolve().parent / "price_page.html").read_bytes()


class PageHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if urlsplit(self.path).path not in ("/", "/index.html"):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        print(f"page_server: {self.address_string()} {format % args}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True, help="where to write the port")
    options = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    port = server.server_address[1]
    # Written whole, then renamed: the test never reads half a port number.
    partial = f"{options.port_file}.partial"
    Path(partial).write_text(str(port))
    os.replace(partial, options.port_file)
    print(f"page_server: serving http://127.0.0.1:{port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
