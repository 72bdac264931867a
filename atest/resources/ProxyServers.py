"""Servers behind the proxy in the proxy's acceptance tests, on free ports: a plain Node
``ws`` server (``node/proxy_upstream.js``) and python-socketio (``servers/socketio_app.py``),
each stopped by ``Stop Part1 Servers`` or when the interpreter exits."""

from __future__ import annotations

import os
import shutil

from Part1Servers import NODE_DIR, Part1Servers


class ProxyServers(Part1Servers):
    ROBOT_LIBRARY_SCOPE = "SUITE"

    def start_node_upstream(self) -> str:
        """Start ``node/proxy_upstream.js``; returns its ``ws://127.0.0.1:PORT`` URL."""
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("Node.js ('node') is not installed; the upstream server needs it.")
        command = [node, str(NODE_DIR / "proxy_upstream.js")]
        environment = {**os.environ, "NODE_PATH": str(NODE_DIR / "node_modules")}
        port = self._spawn("node-upstream", command, cwd=NODE_DIR, env=environment)
        return f"ws://127.0.0.1:{port}"
