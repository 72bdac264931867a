"""The library's documentation: the introduction that libdoc shows above the keywords
(``docs/RobotWebSocket.html``). Kept apart from the code it describes."""

LIBRARY_DOC = """RobotWebSocket tests WebSocket servers: it connects, sends, keeps every message it
receives, and extracts, asserts and waits on them.

%TOC%

= Connections =

`Connect` opens a connection and names it by its URL, exactly as written, query string
included (``wss://host/ws?userId=1`` and ``wss://host/ws?userId=2`` are two
connections), or by an ``alias`` when the same URL must be opened twice (two users on
one chat endpoint). Every keyword that takes ``connection`` accepts either name.

A `Send` to a URL with no open connection opens it first. A name that was never opened
fails in every other keyword, and the error lists the open names.

All connections live on one asyncio event loop in a background thread, which answers
pings and receives messages while the test does anything else. Connections opened
while a suite runs are closed when that suite ends; ones opened in a parent suite's
setup stay usable in its child suites. `Disconnect All` belongs in a suite teardown.

= Sending =

`Send` sends a string as a text frame, bytes as a binary frame, and a dictionary or list
as JSON text. `Send And Receive` sends and waits for the reply.

= The message history =

Each connection keeps the messages it received, in arrival order, from the moment it
opens, also after it closes; at most ``buffer_size`` of them (import argument, default
10000). Past that the oldest are dropped and the next keyword that reads the connection
logs a warning with the number dropped. `Clear Messages` empties a history;
`Get Message Count` counts it.

= Extractions =

``expression`` selects a value from the messages of the window, the last ``last``
messages of the history:

| =Form= | =Engine= | =Evaluated on= |
| ``$...`` or ``jsonpath=...`` | JSONPath with filters (``$[?(@.id == "42")]``), jsonpath-ng's extended syntax | one message parsed as JSON when ``last=1``; the JSON array of the window's messages when ``last`` > 1 |
| ``/...`` or ``xpath=...`` | XPath 1.0 (lxml) | each message parsed as XML |
| ``regex=...`` | Python regular expression | each message's text (a binary message's bytes); the value is group 1 when the pattern has a group, else the whole match |

*One message.* With ``last=1`` (and in `Send And Receive`, `Should Not Receive` and
`Get Message Count`) a JSONPath whose first step is a filter, wildcard, index or slice
(``$[?(...)]``, ``$[*]``, ``$[0]``) applies to the message itself when it is a JSON
array (OCPP's ``[2, "id", "BootNotification", {...}]``: ``$[2]`` is
``BootNotification``), and otherwise to a list holding just that message, so
``$[?(@.type == "tick")]`` selects a tick message. ``$.type`` and
``$['x-request-id']`` read fields of the message.

*The window.* With ``last`` > 1 a filter picks messages out of the window. With the
window ``{"id":"x","status":"NEW"}`` then ``{"id":"x","status":"FILLED"}``, the
expression ``$[?(@.id == "x")].status`` returns ``FILLED`` (the first match within
the most recent message that matches), and with ``all=True`` ``["NEW", "FILLED"]``.
A path that starts with a member name (``$.status``) is applied to each message of
the window in turn, and an index on the root (``$[0]``) picks from the window's array.

A message that is not JSON (or not XML), binary ones included, simply does not match a
JSONPath (or XPath). A malformed expression fails at once, naming the expression and
the parser's complaint. Each message is parsed at most once and keeps its results per
expression, so waiting over a large window stays cheap.

= Assertions =

Receiving keywords take ``assertion_operator`` and ``expected`` and use the operators
of Robot Framework's AssertionEngine, as Browser library does:

| =Operator= | =Alternatives= | =Passes when= |
| ``==`` | ``equal``, ``equals``, ``should be`` | value equals expected |
| ``!=`` | ``inequal``, ``should not be`` | value differs from expected |
| ``<``, ``>``, ``<=``, ``>=`` | ``less than``, ``greater than`` | value compares so |
| ``contains`` | ``*=`` | expected is in value (substring, list item) |
| ``not contains`` | | expected is not in value |
| ``starts`` | ``^=``, ``should start with`` | value starts with expected |
| ``ends`` | ``$=``, ``should end with`` | value ends with expected |
| ``matches`` | | the regular expression expected matches value |
| ``validate`` | | the Python expression expected, with ``value``, is true |
| ``then`` | ``evaluate`` | always; the keyword returns the expression's result |

``expected`` written in a ``.robot`` file is a string. When the extracted value is a
number, boolean, null, list or object, ``expected`` is read as JSON before comparing,
so ``$.count  ==  42`` and ``$.ok  ==  true`` pass for ``42`` and ``true``; when it
does not parse it is used as the string it is, so ``$.tags  contains  new`` works on a
list. With ``validate`` and ``then`` it is an expression and is not converted.

Against a boolean or null value, ``True``, ``False`` and ``None`` (in any case) are read
as ``true``, ``false`` and ``null``, so ``$.ok  ==  True`` passes for ``true``; JSON
``true`` never equals ``1``.

``<``, ``>``, ``<=`` and ``>=`` compare numbers, and text with text: a value and an
expected value that both read as numbers are compared as numbers (``"99"  <  100``
passes, and the log says the text was read as a number), two texts that are not numbers
are compared as text (ISO dates), and text against a number fails
(``'FILLED' is text, 5 is a number``). A value the operator cannot judge fails the
assertion with the reason (``$.n is null, cannot be compared with > 5``; ``contains``,
``starts``, ``ends`` and ``matches`` on a number). A ``matches`` whose expected value is
not a valid regular expression fails at once.

= Waiting and timeouts =

Messages arrive asynchronously, so a receiving keyword waits up to ``timeout`` (import
argument, default 5 s) for its extraction to match at least once and, with an
assertion, for the value to satisfy it. It re-evaluates as each message arrives,
judging the window as it stood after that message, and returns as soon as the
condition holds; it never sleep-polls. If the connection closes and nothing left can
satisfy the condition, it fails at once. A failure says what was expected, how long it
waited, the last value seen and the messages examined.

Keywords wait in slices of 0.1 s, so a test ``[Timeout]`` or Ctrl-C stops them
promptly. Times take Robot's format (``5s``, ``500ms``, ``1 min 30 s``) or seconds.

= Flow control =

`Receive Until` repeats up to ``max_iterations`` times: each iteration re-sends
``send`` when given and waits up to ``interval`` for the value to meet the condition.
Unlike `Wait Until Keyword Succeeds` around `Send And Receive`, a reply that arrives
late is still seen, and the failure lists what every iteration saw.

= Logging and secrets =

log.html shows every message sent and every message a receiving keyword examined: time,
direction, connection, type, size, and the content: a message of up to 100 characters
as it came, a longer one with its JSON pretty-printed or its XML indented, binary as hex
with its printable text, all cut at ``log_max_length`` characters with a visible marker. At the default level a keyword shows at most the 10 newest messages it
examined, so a burst of 100,000 messages followed by one `Receive` keeps output.xml
small; ``--loglevel DEBUG`` shows up to 1000 of them, and the connection's transcript
(its newest 1000 received messages) at `Disconnect`.

Header values that carry credentials (Authorization, Cookie, Set-Cookie,
Proxy-Authorization, and any header whose name contains ``token``, ``secret``,
``key``, ``password``, ``passwd``, ``passcode``, ``auth`` or ``session``, but for the
WebSocket handshake's own ``Sec-WebSocket-Key`` and ``Sec-WebSocket-Accept``, which carry
no credential), Robot ``Secret`` values, and credential query
parameters of URLs (``?token=``, ``?access_token=``, ``?api_key=``) are masked as
``***`` in the log, in returned connection info and in failure messages. Robot itself
logs the value a keyword returns: do not assign the return value of `Connect` when the
URL carries a token.

`Log Conversation` draws the last messages of one or more connections as a sequence
diagram: a lane per side, an arrow per message in time order with its clock time and its
time since the first, labelled with the message cut short or a JSONPath value. What the
library did by itself (rule replies, heartbeats, keep-alives), ignored messages,
undecodable frames and messages the history dropped are drawn in their own colour and
dash and named on the arrow. A receiving keyword that fails logs the same picture of the
messages it examined (at most 10, a few KB). The pictures are plain SVG, with no script:
log.html reads offline and in CI artefact viewers.

| `Log Conversation` | ${WS} | last=20 | label=$.type |

websockets' own frame-by-frame trace, which shows every message unmasked, stays off
even at ``--loglevel DEBUG``: the library's connections log to the Python logger
``RobotWebSocket.websockets``, set to INFO. Set that logger to DEBUG yourself to see it.

= Message rules =

Real servers interleave heartbeats, pings and housekeeping with the messages a test is
about, and some drop a client that does not answer them while the test sleeps. Rules
run on the event loop as each message arrives, whatever keyword (or `Sleep`) the test
is in:

| =Keyword= | =Does= |
| `Ignore Messages` | keeps matching messages out of the history (windows, counts and waits never see them) |
| `Reply To Messages` | answers matching messages at once, with ``{{jsonpath}}`` placeholders filled from the message |
| `Start Heartbeat` | sends a message every interval |
| `Remove Message Rules` | removes one rule, or all of a name's |
| `Send Ping` | measures a WebSocket ping's round trip |

A rule matches a message judged on its own, as in `Should Not Receive`. Rules belong to
the connection's name: set on a name that is not open yet, they apply from its first
message; they stay through `Disconnect` and a later `Connect`; set on a mock server's
name, they apply to each of its clients. Reply rules are applied before ignore rules,
so an ignored message can still be answered. `Get Connection Info` counts ``ignored``
messages and ``auto_sent`` replies and heartbeats. Each keyword that reads a connection
logs one line of what its rules did since the previous keyword (exact counts, and the
first automatic reply with the rule that sent it), and each event at DEBUG level;
`Get Connection Info` and `Disconnect` log it too, so nothing a rule did goes unseen.

A message a rule cannot judge (``$.n  >  5`` on ``{"n": null}``) does not match, and the
next keyword warns about it once per rule. Rules take every operator but ``validate`` and
``then``, which run Robot's evaluation and so cannot run on the event loop. Whatever a
rule or a protocol does with a message, the message never costs the connection: a frame
that does not decode is kept as an ``undecodable`` document.

| `Ignore Messages` | ${WS} | $.type | == | heartbeat |
| `Reply To Messages` | ${WS} | $.type | == | ping | reply={"type": "pong", "id": "{{$.id}}"} |
| `Start Heartbeat` | ${WS} | {"op": "keepalive"} | interval=10s |

= Protocols =

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

= Mock server =

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

= TLS =

``wss://`` certificates are verified against the system's CAs by default. Give a CA
bundle with ``ca_file``, a client certificate with ``client_cert`` and
``client_key``, or accept any certificate of a test server with ``verify=False``
(which logs a warning).

= Running in parallel =

Each Robot (or pabot) process has its own event loop and connections; nothing is
shared between processes. Suites run under ``pabot --processes 2`` as under
``robot``.

= Examples =

| *** Settings ***
| Library           RobotWebSocket    timeout=5s
| Suite Teardown    Disconnect All
|
| *** Test Cases ***
| Order Is Filled
|     Connect        ${WS}    headers=${auth}
|     Send           ${WS}    {"op": "place", "id": "${ID}", "qty": 3}
|     ${status}=     Receive    ${WS}    $[?(@.id == "${ID}")].status    ==    FILLED    last=50
|     ${qty}=        Send And Receive    ${WS}    {"op": "get", "id": "${ID}"}    $.qty    ==    3
|     Should Not Receive    ${WS}    $[?(@.type == "error")]    within=1s
"""
