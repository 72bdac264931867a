"""A charge point made with the ``ocpp`` package (OCPP 1.6 or 2.0.1) against a central
system: BootNotification, Heartbeat, and a Reset the central system asks for.

Usage: python ocpp_official_client.py <ws://host:port> <ocpp1.6|ocpp2.0.1> <seconds to stay>
Prints one JSON line per thing it saw; the last line is {"event": "done", ...}.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import websockets
from ocpp.routing import on
from ocpp.v16 import ChargePoint as ChargePoint16
from ocpp.v16 import call as call16
from ocpp.v16 import call_result as result16
from ocpp.v201 import ChargePoint as ChargePoint201
from ocpp.v201 import call as call201
from ocpp.v201 import call_result as result201


def log(**line: Any) -> None:
    print(json.dumps(line, default=str), flush=True)


class Point16(ChargePoint16):
    @on("Reset")
    def on_reset(self, type: str, **_: Any) -> result16.Reset:  # noqa: A002
        log(event="reset", type=type)
        return result16.Reset(status="Accepted")

    async def exchange(self) -> None:
        boot = await self.call(
            call16.BootNotification(charge_point_model="X1", charge_point_vendor="ACME")
        )
        log(event="boot", status=boot.status, interval=boot.interval)
        beat = await self.call(call16.Heartbeat())
        log(event="heartbeat", current_time=beat.current_time)


class Point201(ChargePoint201):
    @on("Reset")
    def on_reset(self, type: str, **_: Any) -> result201.Reset:  # noqa: A002
        log(event="reset", type=type)
        return result201.Reset(status="Accepted")

    async def exchange(self) -> None:
        station = {"model": "X1", "vendor_name": "ACME"}
        boot = await self.call(call201.BootNotification(charging_station=station, reason="PowerUp"))
        log(event="boot", status=boot.status, interval=boot.interval)
        beat = await self.call(call201.Heartbeat())
        log(event="heartbeat", current_time=beat.current_time)


async def main(url: str, version: str, stay: float) -> None:
    point_class = Point16 if version == "ocpp1.6" else Point201
    async with websockets.connect(f"{url}/CP-1", subprotocols=[version]) as ws:
        log(event="open", subprotocol=ws.subprotocol)
        point = point_class("CP-1", ws, response_timeout=5)
        listener = asyncio.create_task(point.start())
        await point.exchange()
        await asyncio.sleep(stay)
        listener.cancel()
    log(event="done")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3] if len(sys.argv) > 3 else 1)))
