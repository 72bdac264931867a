"""The library documentation's sections on what frames are read as: protocols, SignalR,
binary documents and AsyncAPI contracts (part of :data:`._docs.LIBRARY_DOC`)."""

PROTOCOLS_DOC = """= Protocols =

`Connect` with ``protocol`` speaks a protocol's session layer over the WebSocket, so
tests are written against its messages instead of its framing. `Connect` returns once
the session is up and fails at once, with the server's own words, when the server
refuses it. The protocol's keep-alives are answered and sent automatically and never
enter the history, nor do the handshake's own frames.

Each received frame enters the history as a *document*, a dictionary or list that
JSONPath reads and `Receive` returns; ``regex=`` and XPath read the frame's raw text.
A frame that does not decode is kept as ``{"type": "undecodable", "raw": ..., "error":
...}`` and never closes the connection by itself. `Send` takes a document (or JSON text
of one) and encodes it; ``raw=True`` sends the message as a plain frame, to test how a
server takes malformed input. `Request` gives a message a fresh correlation id and
waits for the reply that carries it. A `Reply To Messages` reply is a document too.
`Get Connection Info` adds ``protocol`` and ``session``.

| =protocol= | =What= | =Subprotocol offered= | =init= | =session= |
| ``socketio`` | Socket.IO 5 over Engine.IO 4, WebSocket transport | none | the ``auth`` object | the namespace's ``sid`` |
| ``graphql-transport-ws`` | GraphQL over WebSocket (the ``graphql-ws`` library's protocol) | ``graphql-transport-ws`` | the ``connection_init`` payload | the ``connection_ack`` payload |
| ``graphql-ws`` | the legacy Apollo ``subscriptions-transport-ws`` protocol | ``graphql-ws`` | the ``connection_init`` payload | the ``connection_ack`` payload |
| ``stomp`` | STOMP 1.2 (1.1, 1.0 accepted) | ``v12.stomp``, ``v11.stomp``, ``v10.stomp`` | headers added to CONNECT (``login``, ``passcode``, ``host``, ``heart-beat``...) | the ``CONNECTED`` headers |
| ``mqtt`` | MQTT 3.1.1 | ``mqtt`` | ``client_id``, ``username``, ``password``, ``keepalive`` (60), ``clean_session`` (true) | the session-present flag |
| ``ocpp1.6``, ``ocpp2.0.1``, ``ocpp2.1`` | OCPP-J | the protocol's name | not used | none |

``init`` values under credential names (``password``, ``passcode``, ``token``,
``auth``...) and Robot ``Secret`` values are masked in the log.

== Socket.IO ==

The URL may be ``http://``, ``https://``, ``ws://`` or ``wss://``; its path is the
namespace (default ``/``), and the library connects to the engine path ``/socket.io/``
with ``EIO=4&transport=websocket``, keeping the URL's query. A URL whose query already
has ``EIO=`` is used as it is (its namespace is ``/``). Engine.IO pings are answered.

Received documents: ``{"type": "event", "namespace": "/", "event": "chat", "args":
[...], "id": null}`` (``id`` is set when the server asks for an ack), ``{"type": "ack",
"namespace", "id", "args"}``, ``{"type": "disconnect", "namespace"}``, ``{"type":
"connect_error", "namespace", "data"}``. Binary attachments are put back in place as
bytes. Send ``{"event": "chat", "args": [...]}`` or the wire form ``["chat", ...]``;
``{"type": "ack", "id": 3, "args": [...]}`` answers a server's ack request. `Request`
adds an ack id and waits for the ``ack``.

| `Connect` | ${SIO}/chat | protocol=socketio | init={"token": "${TOKEN}"} |
| ${ack}= | `Request` | ${SIO}/chat | {"event": "join", "args": ["room-1"]} | $.args[0].ok | == | true |
| `Send` | ${SIO}/chat | {"event": "message", "args": [{"text": "hello"}]} |
| `Receive` | ${SIO}/chat | $[?(@.event == "message")].args[0].text | == | hello | last=10 |

With ``binary_format=msgpack`` the library speaks the ``socket.io-msgpack-parser``
encoding (socket.io 4 with ``parser`` set on both sides): each Socket.IO packet is one
binary frame holding a MessagePack map (``type``, ``nsp``, ``data``, ``id``), bytes in the
arguments travel inside it as bin values, and Engine.IO packets (the handshake, pings)
stay text. Received and sent documents are the same as with the default parser; a binary
frame that is not such a packet becomes an ``undecodable`` document. `Start Mock Server`
with ``protocol=socketio`` and ``binary_format=msgpack`` serves clients of that parser.

| `Connect` | ${SIO} | protocol=socketio | binary_format=msgpack |
| ${ack}= | `Request` | ${SIO} | {"event": "upload", "args": ["${bytes}"]} | $.args[0].ok | == | true |

== GraphQL over WebSocket ==

``connection_init`` is sent with ``init`` as its ``payload`` (without a ``payload``
member when ``init`` is not given); `Connect` returns at ``connection_ack``.
``ping`` is answered with ``pong``, and the legacy ``ka`` is dropped. Documents are the
JSON messages as they are. `Request` adds ``type`` (``subscribe``, legacy ``start``) and
``id`` when missing (a document with neither ``type`` nor ``payload`` is the payload)
and waits for the ``next``/``data``, ``error`` or ``complete`` with that id.

| `Connect` | ${GQL} | protocol=graphql-transport-ws | init={"token": "${TOKEN}"} |
| ${hello}= | `Request` | ${GQL} | {"query": "{ hello }"} | $.payload.data.hello | == | world |
| `Send` | ${GQL} | {"id": "s1", "type": "subscribe", "payload": {"query": "subscription { count(to: 3) }"}} |
| `Receive` | ${GQL} | $[?(@.id == "s1" && @.type == "complete")] | last=10 |

== STOMP ==

CONNECT offers heart-beats of ``10000,10000``; the agreed ones are sent and checked.
Received documents: ``{"command": "MESSAGE", "headers": {...}, "body": ...}``, the body
parsed as JSON when ``content-type`` says JSON (or is absent and the body is a JSON
object or array), else text. Send ``{"command": "SEND", "headers": {"destination":
"/queue/a"}, "body": ...}``: ``command`` defaults to ``SEND``, a dictionary or list body
is sent as JSON with ``content-type: application/json``, ``content-length`` is set.
`Request` adds a ``receipt`` (and an ``id`` to a ``SUBSCRIBE``) and waits for its
``RECEIPT`` or the first ``ERROR`` after it.

| `Connect` | ${BROKER}/ws | protocol=stomp | init={"login": "robot", "passcode": "${PASSCODE}"} |
| `Request` | ${BROKER}/ws | {"command": "SUBSCRIBE", "headers": {"destination": "/queue/orders"}} | $.command | == | RECEIPT |
| `Send` | ${BROKER}/ws | {"headers": {"destination": "/queue/orders"}, "body": {"id": 7}} |
| `Receive` | ${BROKER}/ws | $[?(@.command == "MESSAGE")].body.id | == | 7 |

== MQTT ==

Publishes of QoS 1 and 2 are acknowledged and ``PINGREQ`` is sent every ``keepalive``
seconds. Received documents: ``{"type": "publish", "topic", "payload", "qos",
"retain", "dup", "id"}`` (``payload`` parsed as JSON when it is, else text, else bytes),
``suback``, ``puback``, ``pubcomp``, ``unsuback``. Send ``{"type": "publish", "topic":
"a/b", "payload": ..., "qos": 0, "retain": false}`` (``type`` defaults to ``publish``),
``{"type": "subscribe", "topics": ["a/#"], "qos": 1}`` or ``{"type": "unsubscribe",
"topics": [...]}``. `Request` adds a packet id and waits for the ``puback`` (QoS 1),
``pubcomp`` (QoS 2), ``suback`` or ``unsuback``; a QoS 0 publish has no reply and
fails at once. A refused CONNECT names the return code (``bad user name or password``,
``not authorized``...).

| `Connect` | ${BROKER}/mqtt | protocol=mqtt | init={"username": "robot", "password": "${PASSWORD}", "keepalive": 30} |
| `Request` | ${BROKER}/mqtt | {"type": "subscribe", "topics": ["sensors/#"], "qos": 1} | $.granted[0] | == | 1 |
| `Request` | ${BROKER}/mqtt | {"topic": "sensors/t1", "payload": {"celsius": 21}, "qos": 1} | $.type | == | puback |
| `Receive` | ${BROKER}/mqtt | $[?(@.topic == "sensors/t1")].payload.celsius | == | 21 |

== OCPP-J ==

The protocol's name is offered as subprotocol; a server that does not select it fails
`Connect` ("the server did not select subprotocol ocpp1.6"). Documents are the JSON
arrays as they are: ``[2, id, action, payload]``, ``[3, id, payload]``, ``[4, id, code,
description, details]``. `Request` turns ``[action, payload]`` into a CALL with a fresh
id and waits for the CALLRESULT or CALLERROR with that id. A server-initiated call is
answered with a rule.

| `Connect` | ${CSMS}/CP-1 | protocol=ocpp1.6 |
| `Request` | ${CSMS}/CP-1 | ["BootNotification", {"chargePointVendor": "ACME", "chargePointModel": "X1"}] | $[2].status | == | Accepted |
| `Reply To Messages` | ${CSMS}/CP-1 | $[2] | == | Reset | reply=[3, "{{$[1]}}", {"status": "Accepted"}] |

= SignalR =

``protocol=signalr`` speaks ASP.NET Core SignalR's hub protocol: JSON, or the MessagePack
hub protocol with ``binary_format=msgpack``. The URL is the hub's: with ``http://`` or
``https://`` the library first negotiates (``POST <hub>/negotiate?negotiateVersion=1``
with the ``headers`` given, over the same TLS options, client certificate, ``proxy`` and
``timeout`` as the upgrade), follows one redirect with its ``accessToken`` as Azure
SignalR answers (the token is masked in the log), and connects with the
``connectionToken`` it returns; ``ws://`` and ``wss://`` connect directly. A negotiate
answered with an HTTP error fails `Connect` with the status and the body, an ``error``
in the answer with the server's words.

`Connect` returns when the handshake response arrived; an ``error`` in it fails
`Connect`. Pings (type 6) are sent every 15 s and answered; they and the handshake never
enter the history. ``init`` may set ``keepAliveIntervalInMilliseconds`` (the ping
interval) and ``serverTimeoutInMilliseconds`` (how long a silent server is kept, 30 s),
as Microsoft's client names them. A close message (type 7) enters the history and
closes the connection with its ``error`` as the reason.

Documents are the hub messages in their JSON form, in both protocols: ``{"type": 1,
"target": "ReceiveMessage", "arguments": [...]}`` (invocation), 2 (stream item), 3
(completion, with ``result`` or ``error``), 4 (stream invocation), 5 (cancel
invocation). `Send` of ``{"target": ..., "arguments": [...]}`` sends an invocation (type 1
is added). `Request` adds an ``invocationId`` and waits for the completion with that id;
a stream invocation's (type 4) items enter the history as they come. A server's
invocation that wants a client result is answered with a rule.

| `Connect` | ${HUB} | protocol=signalr | headers=${auth} |
| `Request` | ${HUB} | {"target": "Add", "arguments": [40, 2]} | $.result | == | 42 |
| `Send` | ${HUB} | {"target": "Broadcast", "arguments": ["hi"]} |
| `Receive` | ${HUB} | $[?(@.target == "Receive")].arguments[0] | == | hi |
| `Request` | ${HUB} | {"type": 4, "target": "Counter", "arguments": [3]} |
| `Reply To Messages` | ${HUB} | $.target | == | GetAnswer | reply={"type": 3, "invocationId": "{{$.invocationId}}", "result": 42} |

= Binary documents =

`Connect` and `Start Mock Server` take ``binary_format`` (``msgpack``, ``cbor`` or
``protobuf``), ``proto`` and ``proto_message``. With ``protocol=socketio`` or
``protocol=signalr`` only ``binary_format=msgpack`` applies: it selects the protocol's own
MessagePack encoding (see `Protocols` and `SignalR`). Each binary frame received is
decoded into a document that every keyword reads as it reads JSON: JSONPath, assertions,
rules, counts and windows. MessagePack and CBOR maps and arrays become dictionaries and lists
(binary strings ``bytes``, timestamps and date tags ``datetime``); Protocol Buffers
messages become dictionaries with the ``.proto`` field names (int64 values as integers,
enums by name, bytes as bytes). Text frames are read as before. A binary frame that
does not decode is kept with ``{"type": "undecodable", "raw": <the frame>, "error":
...}`` as its document and never closes the connection. XPath does not apply to binary
documents; ``regex=`` reads their JSON form (bytes in Base64, dates in ISO 8601).

`Send` of a dictionary or list encodes it in the format and sends one binary frame; text
is sent as a text frame and bytes as they are; ``raw=True`` sends without encoding. A
rule's reply that is a JSON object or array is encoded too.

``proto`` is a ``.proto`` file, compiled when `Connect` runs (with the imports beside it,
by ``grpcio-tools``), or a descriptor set (``protoc --include_imports
--descriptor_set_out``). ``proto_message`` is the full name of the type of received frames
and of sent dictionaries; a sent dictionary names another type with an ``@type`` member.
Without ``proto``, frames are decoded like ``protoc --decode_raw``: field numbers as keys
(``"1"``, ``"2"``), varints as integers, length-delimited fields as a nested document when
they parse as one, else text when they are UTF-8, else bytes.

MessagePack and CBOR come with the library; Protocol Buffers needs its extra: ``pip
install 'robotframework-websocket[protobuf]'``. A format whose package is missing fails
`Connect` with the ``pip install`` command that adds it. log.html shows each binary
document and its frame as hex.

| `Connect` | ${FEED}/trades | binary_format=protobuf | proto=${CURDIR}/feed.proto | proto_message=feed.Trade |
| `Receive` | ${FEED}/trades | $[?(@.symbol == "BTC-USD")].price | > | 0 | last=10 |
| `Send` | ${FEED}/trades | ${{{"@type": "feed.Subscribe", "symbols": ["BTC-USD"]}}} |
| `Connect` | ${DEVICE} | binary_format=cbor |

= Contracts =

An AsyncAPI document is to a WebSocket API what an OpenAPI document is to an HTTP one.
`Connect` and `Start Mock Server` take ``asyncapi`` (the document's path, AsyncAPI 2.0 to
2.6 or 3.0 to 3.1, YAML or JSON) and ``violations`` (``fail``, ``warn`` or ``keep``). With
a document, every message is checked against it, `Request` finds the correlation id where
the document says, `Get Contract Coverage` tells which operations the test exercised, and
`Validate Messages` checks a whole conversation afterwards, also of a connection opened
without a document.

| `Connect` | ${KRAKEN}/ | asyncapi=${CURDIR}/kraken.asyncapi.yml | |
| ${reply}= | `Request` | ${KRAKEN} | {"event": "ping", "reqid": 0} |
| `Validate Messages` | ${KRAKEN} | | |
| ${coverage}= | `Get Contract Coverage` | ${KRAKEN} | |
| `Should Not Contain` | ${coverage}[uncovered] | subscribe | |

*Which channels apply.* The document describes the *server*. The URL is matched to a
server (3.x ``host`` and ``pathname``, 2.x ``url``; servers are left out when none
matches) and to every channel whose address (3.x ``address``, 2.x the channel's key)
equals its path, each ``{parameter}`` matching one path segment and its schema. Channels
that share an address pool their messages. With ``protocol=mqtt`` or ``stomp`` each message
is matched by its topic or destination instead. A document that cannot be read, a
``$ref`` that does not resolve (``$ref``s within the document and to other files are
followed) or a URL that matches no channel fails `Connect` at once, naming the file.

*Directions.* What a client receives must be a message the server sends (3.x ``action:
send``, 2.x ``subscribe``) or the reply of an operation it receives; what it sends, a
message the server receives (3.x ``action: receive``, 2.x ``publish``). A mock server is
the document's server: the other way round. Its clients' messages that match an operation
with a ``reply`` are answered with the first example of the reply's message, the
correlation id copied in, after the server's rules (a reply rule that answers wins); a
reply message without an example is not answered, and warned about once. Every channel of
the document applies to a mock server, whatever path its clients connect to.

*What is checked* is the payload: the message parsed as JSON (other text as a string),
MQTT's ``payload``, STOMP's ``body``. It conforms when it is valid against at least one
message definition of its direction and channel. Protocol housekeeping (acknowledgements,
receipts, pings) is not checked.

*Violations.* A received message that conforms to none makes the next keyword that uses
the connection, or the one waiting on it, fail with ``breaks the AsyncAPI contract`` and a
report: the message's number and direction, the closest definition by name (the fewest
errors) and each error as a JSON pointer and a reason:
``#12 received: closest subscriptionStatus: /status: 'subscribd' is not one of [...]``.
``violations=warn`` logs a WARN for each instead, ``violations=keep`` only counts them. A
`Send` of a message that conforms to none fails before anything is sent; ``raw=True``
sends it unchecked. Checking never slows the event loop: the loop only asks whether a
message conforms (a few µs); the report of one that does not is written by the keyword.

*Not used from the specification:* bindings (beyond addresses), security schemes, message
headers (a WebSocket message has none), operation traits; message traits only for
``name``, ``correlationId``, ``examples`` and ``schemaFormat`` (the message's own fields
win). Another ``schemaFormat`` than AsyncAPI Schema or JSON Schema drafts 4 to 7 (Avro,
RAML...) is logged once as "not checked", never reported as a violation. ``format``
(``date-time``...) is an annotation, not checked. 3.x addresses are also compared below a
matched server's ``pathname``; a channel with ``address: null`` matches every path.
Correlation ids in message headers (``$message.header#/...``) are not used.

"""
