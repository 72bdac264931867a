"""The library documentation's sections on the servers the library runs: mock servers,
mock servers that speak a protocol, the proxy with its faults, and replay (part of
:data:`._docs.LIBRARY_DOC`)."""

SERVERS_DOC = """= Mock server =

`Start Mock Server` runs a WebSocket server inside the test, on the library's event
loop, to test clients (a web page driven by a browser library, a service, a device)
against scripted behaviour. Each client that connects becomes a connection named
``mock#1``, ``mock#2``... (``<alias>#<n>``); `Wait For Client` returns the next name,
and every keyword works on it: `Send` sends to that client, `Receive` reads what it
sent, `Disconnect` closes it. `Send` to the server's own name reaches every open client,
and rules set on that name (`Reply To Messages`, `Ignore Messages`, `Start Heartbeat`)
apply to every client, present and future, so a scripted server is a few rules.
`Save Conversation` writes any connection's messages as a HAR file.

| ${url}= | `Start Mock Server` | | | |
| `Reply To Messages` | mock | $.op | == | ping | reply={"op": "pong"} |
| ${client}= | `Wait For Client` | | | |
| `Receive` | ${client} | $.type | == | hello |

A mock server is stopped when the suite that started it ends, by `Disconnect All` and
by `Stop Mock Server`, which close its clients with 1001.

A server keeps its closed clients (their histories and conversations) up to 1000; past
that, the oldest closed clients that `Wait For Client` already returned are forgotten, and
their names with them.

`Get Connection Info` of a client shows its ``path`` and ``request_headers`` with
credential values masked, as everywhere. To check a credential the client sent, use
`Request Header Should Be`: it compares the value and logs only whether it matched.

| `Request Header Should Be` | ${client} | Authorization | == | Bearer ${TOKEN} |

= Mock servers that speak a protocol =

`Start Mock Server` with ``protocol`` (the names `Connect` takes, and ``signalr``) does
the server's side of that protocol for every client, driving the same codec as `Connect`
in its server role: it answers the handshake and the keep-alives itself (they never enter
a client's history), each client's history holds documents, `Send` and `Request` take
documents, and `Get Connection Info` of a client has ``session``, what the client sent in
its handshake, with credential values masked.

| =protocol= | =what the mock server does= | =clients' documents= | =Send and Request to a client= |
| ``socketio`` | Engine.IO open (``sid``, ``pingInterval``, ``pingTimeout``), accepts namespace connects (``session``: the ``auth``), pings and drops a client that stops answering; a polling request gets HTTP 400 | events and acks | ``{"event": ..., "args": [...]}`` emits; `Request` waits for the client's ack |
| ``graphql-transport-ws``, ``graphql-ws`` | acknowledges ``connection_init`` (``session``: its payload), answers pings (legacy: sends ``ka``) | ``subscribe``/``start``, ``complete``/``stop`` | messages as they are: ``{"id": "1", "type": "next", "payload": ...}`` |
| ``stomp`` | ``CONNECTED`` with heart-beats agreed, ``RECEIPT`` for a ``receipt`` header (``session``: the ``CONNECT`` headers) | frames: ``SEND``, ``SUBSCRIBE``... | a ``MESSAGE`` to a destination gets ``subscription`` and ``message-id`` from the client's ``SUBSCRIBE``; `Request` waits for its ``ACK`` |
| ``mqtt`` | ``CONNACK``, ``SUBACK``, QoS 1 and 2 acknowledgements, ``PINGRESP`` (``session``: the ``CONNECT`` fields); no routing between clients | packets: ``publish``, ``subscribe``... | ``publish`` documents; `Request` waits for ``puback``/``pubcomp`` |
| ``ocpp1.6``, ``ocpp2.0.1``, ``ocpp2.1`` | selects the version's subprotocol; a client that does not offer it gets HTTP 400 | the charge point's arrays | arrays; `Request` sends ``[action, payload]`` as a CALL |
| ``signalr`` | answers the handshake and the negotiate ``POST`` (websockets 16 or newer), pings and answers pings | hub messages | ``{"target": ..., "arguments": [...]}`` invokes; `Request` waits for the client's completion (client results) |

``init`` is what the server puts in its own side of the handshake: Socket.IO's open
packet fields (``{"pingInterval": 1000, "pingTimeout": 2000}``, milliseconds), the
``connection_ack`` payload, ``CONNECTED`` headers (``heart-beat``, ``server``...), MQTT's
``code`` (a ``CONNACK`` return code that refuses) and ``session_present``, SignalR's
``keep_alive`` and ``timeout`` (seconds). The protocol's subprotocol is selected when the
client offers it, unless ``subprotocols`` is given.

`Send` to the server's name reaches each client the document is for: a STOMP ``MESSAGE``
the clients subscribed to its destination, an MQTT ``publish`` the clients with a matching
filter, a Socket.IO event the clients connected to its namespace. Rules script what the
protocol leaves to the application; a STOMP ``MESSAGE`` sent by a rule gets its
``subscription`` and ``message-id`` as `Send` does.

| ${url}= | `Start Mock Server` | alias=csms | protocol=ocpp1.6 | | |
| `Reply To Messages` | csms | $[2] | == | BootNotification | reply=[3, "{{$[1]}}", {"status": "Accepted", "currentTime": "2026-01-01T00:00:00Z", "interval": 300}] |
| ${cp}= | `Wait For Client` | csms | | | |
| `Request` | ${cp} | ["Reset", {"type": "Hard"}] | $[2].status | == | Accepted |

= Proxy, faults and replay =

`Start Proxy` puts a proxy between a real client and a real server, on the library's
event loop. A client that connects to the proxy's URL with path and query P is connected
to the upstream URL + P, with its headers and subprotocols; a refusal is passed on with
the server's status, and an unreachable server gives HTTP 502. Each client becomes two
connections: ``proxy#1`` holds what the client sent, ``proxy#1.upstream`` what the server
sent; every keyword reads either, and `Send` to them writes to the client or to the
server. Messages are forwarded as they arrive, with their frame type, and close codes
pass through both ways.

`Add Fault` breaks the conversation on purpose: ``drop``, ``delay`` (order kept),
``duplicate``, ``replace`` (a template, as in `Reply To Messages`) or ``close``, on the
messages an expression matches, on one side (``proxy#1``: what the client sends;
``proxy#1.upstream``: what the server sends) or on both sides of every client (the
proxy's alias). Faults are message rules: ``times`` limits them and
`Remove Message Rules` removes them. `Pause Proxy` stalls a direction (held messages,
unanswered pings) until `Resume Proxy`.

| ${url}= | `Start Proxy` | ${SERVER} | | | |
| `Add Fault` | proxy#1.upstream | $.type | == | quote | action=drop |
| `Connect` | ${url}/prices | alias=client | | | |
| `Should Not Receive` | client | $.type | == | quote | within=1s |
| `Receive` | proxy#1.upstream | $.type | == | quote | # the server did send it |

`Replay Conversation` sends a recorded conversation (a HAR from `Save Conversation` or a
browser's developer tools) again over a connection and compares the replies with the
recording; `Start Mock Server` with ``replay=`` serves a recording to its clients.

"""
