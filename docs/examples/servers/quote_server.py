"""A small Protocol Buffers quote feed for ``10_protobuf.robot``, on Google's ``protobuf``
runtime with code that ``grpc_tools.protoc`` generates from ``quotes.proto`` at start-up.

Run as ``python quote_server.py --port-file FILE``. It listens on a free port of 127.0.0.1
and writes that port to FILE. Every binary frame a client sends is read as a
``quotes.Subscribe``; the server answers with one ``quotes.Quote`` for each symbol, bid and
ask, and says what it understood in a text frame: ``{"subscribed": [...]}``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from websockets.asyncio.server import serve

HERE = Path(__file__).parent


def load_quotes_pb2() -> Any:
    folder = tempfile.mkdtemp(prefix="quotes-")
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{HERE}", f"--python_out={folder}",
         str(HERE / "quotes.proto")],
        check=True,
    )  # fmt: skip
    sys.path.insert(0, folder)
    return importlib.import_module("quotes_pb2")


async def main(port_file: str) -> None:
    quotes_pb2 = load_quotes_pb2()
    sequence = 0

    async def handler(websocket: Any) -> None:
        nonlocal sequence
        async for message in websocket:
            if isinstance(message, str):
                continue
            subscribe = quotes_pb2.Subscribe()
            subscribe.ParseFromString(message)
            await websocket.send(json.dumps({"subscribed": list(subscribe.symbols)}))
            for symbol in subscribe.symbols:
                for side, price in ((quotes_pb2.BID, 99.5), (quotes_pb2.ASK, 100.5)):
                    sequence += 1
                    quote = quotes_pb2.Quote(
                        symbol=symbol, price=price, side=side, sequence=2**40 + sequence
                    )
                    await websocket.send(quote.SerializeToString())

    async with serve(handler, "127.0.0.1", 0) as server:
        with open(port_file + ".tmp", "w", encoding="utf-8") as handle:
            handle.write(str(server.sockets[0].getsockname()[1]))
        os.replace(port_file + ".tmp", port_file)  # atomic: never read half-written
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port-file", required=True)
    asyncio.run(main(parser.parse_args().port_file))
