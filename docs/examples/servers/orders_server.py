"""A small order desk for ``09_contract.robot``, as ``orders.asyncapi.yml`` describes it.

Run as ``python orders_server.py --port-file FILE``. It listens on a free port of 127.0.0.1
and writes that port to FILE. On ``/orders``:

- ``{"op": "place", "reqid": N, "qty": Q}`` is answered with ``{"reqid": N, "status":
  "accepted", "order": ID}`` (``"rejected"`` when ``qty`` is over 100), then, a moment
  later, ``{"event": "filled", "order": ID}``;
- ``{"op": "cancel", "reqid": N, "order": ID}`` with ``{"reqid": N, "status": "cancelled"}``.

The server has one mistake on purpose: an order of exactly 13 is answered with the order
number as text (``"order": "13"``), where the document says integer.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os

from websockets.asyncio.server import ServerConnection, serve

ORDERS = itertools.count(1)


async def desk(ws: ServerConnection) -> None:
    async for raw in ws:
        try:
            request = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(request, dict):
            continue
        reqid = request.get("reqid")
        if request.get("op") == "place":
            order = next(ORDERS)
            qty = request.get("qty", 0)
            status = "rejected" if qty > 100 else "accepted"
            number = str(order) if qty == 13 else order
            await ws.send(json.dumps({"reqid": reqid, "status": status, "order": number}))
            if status != "rejected":
                await asyncio.sleep(0.05)
                await ws.send(json.dumps({"event": "filled", "order": order}))
        elif request.get("op") == "cancel":
            await ws.send(json.dumps({"reqid": reqid, "status": "cancelled"}))


async def main(port_file: str) -> None:
    async with serve(desk, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        with open(port_file + ".tmp", "w", encoding="utf-8") as handle:
            handle.write(str(port))
        os.replace(port_file + ".tmp", port_file)
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Order desk for the contract example.")
    parser.add_argument("--port-file", required=True)
    try:
        asyncio.run(main(parser.parse_args().port_file))
    except KeyboardInterrupt:
        pass
