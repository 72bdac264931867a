"""A charge point made with the ``ocpp`` package (OCPP 1.6), for the charge point example.

It boots, sends a heartbeat and a status notification, starts a transaction when the
central system asks it to (RemoteStartTransaction), and leaves after ``stay`` seconds.
Each answer it gets is printed as one JSON line.

Usage: python charge_point.py <ws://central-system> <charge point id> <seconds to stay>
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import websockets
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result


def report(**line: Any) -> None:
    print(json.dumps(line, default=str), flush=True)


class Point(ChargePoint):
    @on("RemoteStartTransaction")
    async def on_remote_start(self, id_tag: str, **_: Any) -> call_result.RemoteStartTransaction:
        report(event="remote start", id_tag=id_tag)
        asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self.begin(id_tag)))
        return call_result.RemoteStartTransaction(status="Accepted")

    async def begin(self, id_tag: str) -> None:
        started = await self.call(
            call.StartTransaction(
                connector_id=1, id_tag=id_tag, meter_start=0, timestamp="2026-01-01T00:00:00Z"
            )
        )
        report(event="transaction", id=started.transaction_id, status=started.id_tag_info["status"])

    async def run(self) -> None:
        boot = await self.call(
            call.BootNotification(charge_point_model="X1", charge_point_vendor="ACME")
        )
        report(event="boot", status=boot.status, interval=boot.interval)
        beat = await self.call(call.Heartbeat())
        report(event="heartbeat", time=beat.current_time)
        await self.call(
            call.StatusNotification(connector_id=1, error_code="NoError", status="Available")
        )
        report(event="status sent")


async def main(url: str, ident: str, stay: float) -> None:
    async with websockets.connect(f"{url}/{ident}", subprotocols=["ocpp1.6"]) as ws:
        point = Point(ident, ws, response_timeout=5)
        listener = asyncio.create_task(point.start())
        await point.run()
        await asyncio.sleep(stay)
        listener.cancel()
    report(event="done")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
