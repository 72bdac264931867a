"""An OCPP central system (CSMS) for the acceptance tests: the ``ocpp`` package on websockets.

Charge points connect to ``/ocpp1.6/<id>`` or ``/ocpp2.0.1/<id>``, where the server selects
that version's subprotocol only (offered anything else, it selects none, as a versioned
endpoint of a real central system does), or to ``/<id>``, where it selects the first of
``ocpp1.6`` and ``ocpp2.0.1`` that the charge point offers.

It answers:

- BootNotification: ``Accepted``, heartbeat interval 300 s;
- Heartbeat: the current time;
- Authorize (and StartTransaction in 1.6, TransactionEvent in 2.0.1): the id tag ``BLOCKED``
  is ``Blocked``, ``UNKNOWN`` is ``Invalid``, every other is ``Accepted``;
- StatusNotification, StopTransaction: as the version requires;
- any other action with a CALLERROR, as the ``ocpp`` package does: ``NotImplemented`` for an
  action of the version it has no handler for (DataTransfer, MeterValues...), ``NotSupported``
  for one that the version does not have, and ``ProtocolError`` (a required field missing),
  ``TypeConstraintViolation`` and the like for a payload that breaks the schema.

Calls from the central system to a charge point are made on request, over plain HTTP on the
same port: ``GET /_call/<id>/<action>?payload=<JSON>&timeout=<seconds>`` sends the call and
answers, once the charge point has answered, ``{"result": {...}}`` for a CALLRESULT or
``{"error": code, "description": ..., "details": {...}}`` for a CALLERROR (404 when the charge
point is not connected, 504 when it does not answer in time, 400 for a call the ``ocpp``
package refuses to send).

The port (0 by default, so a free one) is written to ``--port-file`` once the server listens.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from datetime import datetime, timezone
from http import HTTPStatus
from itertools import count
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ocpp.charge_point import (
    camel_to_snake_case,
    remove_nones,
    serialize_as_dict,
    snake_to_camel_case,
)
from ocpp.exceptions import OCPPError
from ocpp.routing import on
from ocpp.v16 import ChargePoint as ChargePoint16
from ocpp.v16 import call as call16
from ocpp.v16 import call_result as result16
from ocpp.v201 import ChargePoint as ChargePoint201
from ocpp.v201 import call as call201
from ocpp.v201 import call_result as result201
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

VERSIONS = ("ocpp1.6", "ocpp2.0.1")
STATUS_BY_ID_TAG = {"BLOCKED": "Blocked", "UNKNOWN": "Invalid"}
HEARTBEAT_INTERVAL = 300

transaction_ids = count(1)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def id_status(id_tag: str) -> str:
    return STATUS_BY_ID_TAG.get(id_tag, "Accepted")


class CentralSystem16(ChargePoint16):
    """The central system's side of one OCPP 1.6 charge point."""

    calls = call16

    @on("BootNotification")
    def on_boot_notification(self, **_: Any) -> result16.BootNotification:
        return result16.BootNotification(
            current_time=now(), interval=HEARTBEAT_INTERVAL, status="Accepted"
        )

    @on("Heartbeat")
    def on_heartbeat(self) -> result16.Heartbeat:
        return result16.Heartbeat(current_time=now())

    @on("Authorize")
    def on_authorize(self, id_tag: str) -> result16.Authorize:
        return result16.Authorize(id_tag_info={"status": id_status(id_tag)})

    @on("StartTransaction")
    def on_start_transaction(self, id_tag: str, **_: Any) -> result16.StartTransaction:
        return result16.StartTransaction(
            transaction_id=next(transaction_ids), id_tag_info={"status": id_status(id_tag)}
        )

    @on("StopTransaction")
    def on_stop_transaction(self, **_: Any) -> result16.StopTransaction:
        return result16.StopTransaction()

    @on("StatusNotification")
    def on_status_notification(self, **_: Any) -> result16.StatusNotification:
        return result16.StatusNotification()


class CentralSystem201(ChargePoint201):
    """The central system's side of one OCPP 2.0.1 charging station."""

    calls = call201

    @on("BootNotification")
    def on_boot_notification(self, **_: Any) -> result201.BootNotification:
        return result201.BootNotification(
            current_time=now(), interval=HEARTBEAT_INTERVAL, status="Accepted"
        )

    @on("Heartbeat")
    def on_heartbeat(self, **_: Any) -> result201.Heartbeat:
        return result201.Heartbeat(current_time=now())

    @on("Authorize")
    def on_authorize(self, id_token: dict[str, Any], **_: Any) -> result201.Authorize:
        return result201.Authorize(id_token_info={"status": id_status(id_token["id_token"])})

    @on("TransactionEvent")
    def on_transaction_event(self, **kwargs: Any) -> result201.TransactionEvent:
        id_token = kwargs.get("id_token")
        if id_token is None:
            return result201.TransactionEvent()
        return result201.TransactionEvent(id_token_info={"status": id_status(id_token["id_token"])})

    @on("StatusNotification")
    def on_status_notification(self, **_: Any) -> result201.StatusNotification:
        return result201.StatusNotification()


CENTRAL_SYSTEMS = {"ocpp1.6": CentralSystem16, "ocpp2.0.1": CentralSystem201}
connected: dict[str, ChargePoint16 | ChargePoint201] = {}


def path_parts(path: str) -> list[str]:
    return [unquote(part) for part in urlsplit(path).path.split("/") if part]


def select_subprotocol(connection: ServerConnection, offered: Any) -> str | None:
    parts = path_parts(connection.request.path)
    accepted = [parts[0]] if len(parts) > 1 and parts[0] in VERSIONS else list(VERSIONS)
    return next((version for version in offered if version in accepted), None)


async def handle(connection: ServerConnection) -> None:
    version = connection.subprotocol
    if version not in CENTRAL_SYSTEMS:
        await connection.close(1002, "no OCPP subprotocol selected")
        return
    charge_point_id = path_parts(connection.request.path)[-1]
    charge_point = CENTRAL_SYSTEMS[version](charge_point_id, connection)
    connected[charge_point_id] = charge_point
    try:
        await charge_point.start()
    except ConnectionClosed:
        pass
    finally:
        if connected.get(charge_point_id) is charge_point:
            del connected[charge_point_id]


def json_response(connection: ServerConnection, status: HTTPStatus, body: Any) -> Response:
    data = json.dumps(body).encode()
    headers = Headers(
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(data))),
            ("Connection", "close"),
        ]
    )
    return Response(status.value, status.phrase, headers, data)


async def call_charge_point(
    connection: ServerConnection, charge_point_id: str, action: str, query: dict[str, list[str]]
) -> Response:
    charge_point = connected.get(charge_point_id)
    if charge_point is None:
        return json_response(
            connection,
            HTTPStatus.NOT_FOUND,
            f"Charge point {charge_point_id} is not connected (connected: {sorted(connected)}).",
        )
    payload = json.loads(query.get("payload", ["{}"])[0])
    timeout = float(query.get("timeout", ["5"])[0])
    payload_class = getattr(charge_point.calls, action, None)
    if payload_class is None:
        return json_response(connection, HTTPStatus.BAD_REQUEST, f"Unknown action {action}.")
    try:
        request = payload_class(**camel_to_snake_case(payload))
        result = await asyncio.wait_for(charge_point.call(request, suppress=False), timeout)
    except (asyncio.TimeoutError, TimeoutError):
        return json_response(
            connection,
            HTTPStatus.GATEWAY_TIMEOUT,
            f"Charge point {charge_point_id} did not answer {action} within {timeout:g} s.",
        )
    except OCPPError as error:
        # A CALLERROR from the charge point, or its answer broke the schema.
        answer = {"error": error.code, "description": error.description, "details": error.details}
        return json_response(connection, HTTPStatus.OK, answer)
    except (TypeError, ValueError) as error:
        return json_response(connection, HTTPStatus.BAD_REQUEST, f"Cannot send {action}: {error}")
    answer = {"result": snake_to_camel_case(remove_nones(serialize_as_dict(result)))}
    return json_response(connection, HTTPStatus.OK, answer)


async def process_request(connection: ServerConnection, request: Request) -> Response | None:
    parts = path_parts(request.path)
    if len(parts) == 3 and parts[0] == "_call":
        query = parse_qs(urlsplit(request.path).query)
        return await call_charge_point(connection, parts[1], parts[2], query)
    return None


async def main(port: int, port_file: str | None) -> None:
    stop = asyncio.get_running_loop().create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set_result, None)
    async with serve(
        handle,
        "127.0.0.1",
        port,
        select_subprotocol=select_subprotocol,
        process_request=process_request,
    ) as server:
        actual = server.sockets[0].getsockname()[1]
        if port_file:
            # Written whole under another name, then renamed, so a reader never sees half.
            with open(port_file + ".tmp", "w", encoding="utf-8") as handle_:
                handle_.write(str(actual))
            os.replace(port_file + ".tmp", port_file)
        print(f"OCPP central system on ws://127.0.0.1:{actual}", flush=True)
        await stop


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--verbose", action="store_true", help="log every OCPP message")
    arguments = parser.parse_args()
    logging.basicConfig(
        stream=sys.stdout,
        level=logging.INFO if arguments.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    asyncio.run(main(arguments.port, arguments.port_file))
