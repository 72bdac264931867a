"""The library's documentation: the introduction that libdoc shows above the keywords
(``docs/RobotWebSocket.html``). Kept apart from the code it describes; the sections on
protocols and on the servers the library runs are in modules of their own."""

from ._docs_protocols import PROTOCOLS_DOC
from ._docs_servers import SERVERS_DOC

_CORE_DOC = """RobotWebSocket tests WebSocket servers: it connects, sends, keeps every message it
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

"""

_CLOSING_DOC = """= TLS =

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

LIBRARY_DOC = _CORE_DOC + PROTOCOLS_DOC + SERVERS_DOC + _CLOSING_DOC
