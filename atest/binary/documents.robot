*** Settings ***
Documentation       Binary documents (``binary_format=msgpack|cbor|protobuf``) against a feed
...                 server that encodes with the real ``msgpack``, ``cbor2`` and Google
...                 ``protobuf`` packages and reports what those packages decoded of the
...                 library's frames (atest/resources/servers/binary_feed.py).
Resource            ../resources/common.resource
Library             Process
Library             ../resources/BinaryServers.py
Suite Setup         Start Feed
Suite Teardown      Stop Part1 Servers
Test Teardown       Disconnect All


*** Variables ***
${PROTO}        ${CURDIR}/../resources/proto/feed.proto
${SAMPLE_0}     {"type": "trade", "symbol": "BTC-USD", "price": 65000.5, "size": 0.25, "id": 1099511627776}


*** Test Cases ***
MessagePack Maps And Arrays Are Documents That JSONPath Reads
    Connect    ${FEED}/msgpack    binary_format=msgpack
    Get Message Count    ${FEED}/msgpack    ==    5
    ${first}=    Receive    ${FEED}/msgpack    $[?(@.type == "trade")]    last=5
    Should Be Equal    ${first}    ${{json.loads($SAMPLE_0)}}
    Receive    ${FEED}/msgpack    $[?(@.type == "snapshot")].bids[0][1]    ==    1.5    last=5
    ${payload}=    Receive    ${FEED}/msgpack    $[?(@.type == "blob")].payload    last=5
    Should Be Equal    ${payload}    ${{b"\x00\x01\xfe\xff"}}
    Receive    ${FEED}/msgpack    $[?(@.type == "blob")].unicode    ==    Grüße ✓    last=5
    ${at}=    Receive    ${FEED}/msgpack    $[?(@.type == "clock")].at    last=5
    Should Be Equal    ${at.isoformat()}    2024-05-01T12:30:00+00:00
    ${list}=    Receive    ${FEED}/msgpack
    Should Be Equal    ${list}    ${{[1, "two", {"three": 3}]}}
    Receive    ${FEED}/msgpack    $[2].three    ==    3

CBOR Items Are Documents That JSONPath Reads
    Connect    ${FEED}/cbor    binary_format=cbor
    Receive    ${FEED}/cbor    $[?(@.type == "trade")].id    ==    1099511627776    last=5
    ${payload}=    Receive    ${FEED}/cbor    $[?(@.type == "blob")].payload    last=5
    Should Be Equal    ${payload}    ${{b"\x00\x01\xfe\xff"}}
    ${at}=    Receive    ${FEED}/cbor    $[?(@.type == "clock")].at    last=5
    Should Be Equal    ${at.isoformat()}    2024-05-01T12:30:00+00:00
    ${all}=    Receive    ${FEED}/cbor    $[*].type    all=True    last=5
    Should Be Equal    ${all}    ${{["trade", "snapshot", "blob", "clock"]}}

Windows Counts And Should Not Receive Read Binary Documents
    Connect    ${FEED}/msgpack    binary_format=msgpack
    Send    ${FEED}/msgpack    more 20
    Get Message Count    ${FEED}/msgpack    $[?(@.type == "trade")]    ==    21
    ${last}=    Receive    ${FEED}/msgpack    $[?(@.type == "trade")].seq    last=50
    Should Be Equal As Integers    ${last}    19
    ${seqs}=    Receive    ${FEED}/msgpack    $[?(@.symbol == "ETH-USD")].seq    all=True    last=3
    Should Be Equal    ${seqs}    ${{[17, 18, 19]}}
    Should Not Receive    ${FEED}/msgpack    $[?(@.type == "error")]    within=0.2s

Rules Read Binary Documents
    Ignore Messages    ${FEED}/msgpack    $.type    ==    trade
    Connect    ${FEED}/msgpack    binary_format=msgpack
    Send    ${FEED}/msgpack    more 5
    # The feed answers in order: once its report of this frame is in, the trades are too.
    Send    ${FEED}/msgpack    ${{{"after": "trades"}}}
    Receive    ${FEED}/msgpack    $.decoded.after    ==    trades
    Get Message Count    ${FEED}/msgpack    ==    5
    Get Message Count    ${FEED}/msgpack    $[?(@.type == "trade")]    ==    0
    ${info}=    Get Connection Info    ${FEED}/msgpack
    Should Be Equal As Integers    ${info}[ignored]    6
    [Teardown]    Run Keywords    Remove Message Rules    ${FEED}/msgpack    AND    Disconnect All

Text Frames Are Read As Before
    Connect    ${FEED}/msgpack    binary_format=msgpack
    ${bytes}=    Evaluate    msgpack.packb({"hello": "feed"})    modules=msgpack
    Send    ${FEED}/msgpack    ${bytes}
    ${report}=    Receive    ${FEED}/msgpack    $.decoded    last=1
    Should Be Equal    ${report}    ${{{"hello": "feed"}}}
    ${text}=    Receive    ${FEED}/msgpack
    Should Be Equal    ${text}    {"decoded": {"hello": "feed"}}

Sent Dictionaries And Lists Are Encoded As One Binary Frame
    Connect    ${FEED}/msgpack    binary_format=msgpack
    &{order}=    Create Dictionary    op=buy    qty=${3}    tag=${{b"\x01\x02"}}
    Send    ${FEED}/msgpack    ${order}
    Receive    ${FEED}/msgpack    $.decoded    ==    ${{{"op": "buy", "qty": 3, "tag": {"base64": "AQI="}}}}
    Send    ${FEED}/msgpack    ${{[1, "two", None]}}
    Receive    ${FEED}/msgpack    $.decoded    ==    ${{[1, "two", None]}}
    Connect    ${FEED}/cbor    binary_format=cbor
    Send    ${FEED}/cbor    ${{{"at": datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc), "n": -1}}}
    Receive    ${FEED}/cbor    $.decoded    ==    ${{{"at": "2024-05-01T00:00:00+00:00", "n": -1}}}
    ${info}=    Get Connection Info    ${FEED}/cbor
    Should Be Equal As Integers    ${info}[sent]    1

Raw Sends Without Encoding
    ${server}=    Start Mock Server    alias=shop    binary_format=msgpack
    Connect    ${server}/orders    binary_format=msgpack
    ${client}=    Wait For Client    shop
    Send    ${server}/orders    {"op": "buy"}
    Receive    ${client}    ==    {"op": "buy"}
    Send    ${server}/orders    ${{{"op": "sell"}}}    raw=True
    Receive    ${client}    ==    {"op": "sell"}
    Send    ${server}/orders    ${{{"op": "hold"}}}
    # Receive without an expression returns the newest message at once: wait for this one.
    Receive    ${client}    $.op    ==    hold
    ${document}=    Receive    ${client}
    Should Be Equal    ${document}    ${{{"op": "hold"}}}
    [Teardown]    Run Keywords    Disconnect All    AND    Stop Mock Server    shop

Mock Server Clients Send And Receive Documents
    ${server}=    Start Mock Server    alias=shop    binary_format=cbor
    Reply To Messages    shop    $.op    ==    ping    reply={"op": "pong", "n": {{$.n}}}
    Connect    ${server}/ws    binary_format=cbor
    ${client}=    Wait For Client    shop
    Send And Receive    ${server}/ws    ${{{"op": "ping", "n": 7}}}    $.n    ==    7
    ${reply}=    Receive    ${server}/ws    $.op
    Should Be Equal    ${reply}    pong
    Send    shop    ${{{"op": "news", "items": [1, 2]}}}
    Receive    ${server}/ws    $.items[1]    ==    2
    Get Message Count    ${client}    $.op    ==    1
    [Teardown]    Run Keywords    Disconnect All    AND    Stop Mock Server    shop

Undecodable Frame Is A Document And The Connection Stays Open
    Connect    ${FEED}/msgpack    binary_format=msgpack
    Send    ${FEED}/msgpack    raw c1
    ${document}=    Receive    ${FEED}/msgpack    $[?(@.type == "undecodable")]    last=10
    Should Be Equal    ${document}[raw]    ${{b"\xc1"}}
    Should Not Be Empty    ${document}[error]
    Send    ${FEED}/msgpack    more 1
    Receive    ${FEED}/msgpack    $.seq    ==    0
    ${info}=    Get Connection Info    ${FEED}/msgpack
    Should Be Equal    ${info}[state]    open

XPath Does Not Apply And Regex Reads The JSON Form
    Connect    ${FEED}/msgpack    binary_format=msgpack
    Get Message Count    ${FEED}/msgpack    ==    5
    Get Message Count    ${FEED}/msgpack    xpath=//*    ==    0
    # A frame that is XML text, but not MessagePack: an undecodable document, not XML.
    Send    ${FEED}/msgpack    raw 3c612f3e
    Receive    ${FEED}/msgpack    $.type    ==    undecodable
    Get Message Count    ${FEED}/msgpack    xpath=/a    ==    0
    ${at}=    Receive    ${FEED}/msgpack    regex="at": "([^"]+)"    last=5
    Should Be Equal    ${at}    2024-05-01T12:30:00+00:00
    ${payload}=    Receive    ${FEED}/msgpack    regex="payload": "([^"]+)"    last=5
    Should Be Equal    ${payload}    AAH+/w==

Protocol Buffers With A Proto File
    Connect    ${FEED}/protobuf    binary_format=protobuf    proto=${PROTO}    proto_message=feed.Trade
    ${trade}=    Receive    ${FEED}/protobuf    $[?(@.symbol == "BTC-USD")]    last=2
    Should Be Equal As Integers    ${trade}[id]    -42
    Should Be Equal As Integers    ${trade}[volume]    ${{2**63 + 5}}
    Should Be Equal    ${trade}[side]    SELL
    Should Be Equal    ${trade}[signature]    ${{b"\x00\xff"}}
    Should Be Equal    ${trade}[notional]    ${{{"units": 16250, "nanos": 0, "currency": "USD"}}}
    Should Be Equal    ${trade}[at]    2024-05-01T12:30:00Z
    Send    ${FEED}/protobuf    ${{{"symbol": "ETH-USD", "id": 2**40, "side": "BUY", "signature": b"\x01"}}}
    ${decoded}=    Receive    ${FEED}/protobuf    $.decoded
    Should Be Equal    ${decoded}    ${{{"symbol": "ETH-USD", "id": str(2**40), "side": "BUY", "signature": "AQ=="}}}

Protocol Buffers Type Named By At Type
    Connect    ${FEED}/protobuf?type=feed.Quote    binary_format=protobuf    proto=${PROTO}
    ...    proto_message=feed.Trade
    Send    ${FEED}/protobuf?type=feed.Quote    ${{{"@type": "feed.Quote", "symbol": "ETH-USD", "bid": 1.5}}}
    Receive    ${FEED}/protobuf?type=feed.Quote    $.decoded    ==    ${{{"symbol": "ETH-USD", "bid": 1.5}}}

Protocol Buffers With A Descriptor Set
    ${set}=    Set Variable    ${OUTPUT DIR}/feed.pb
    ${result}=    Run Process    ${{sys.executable}}    -m    grpc_tools.protoc
    ...    -I${CURDIR}/../resources/proto    --include_imports    --descriptor_set_out\=${set}    ${PROTO}
    Should Be Equal As Integers    ${result.rc}    0    ${result.stderr}
    Connect    ${FEED}/protobuf    binary_format=protobuf    proto=${set}    proto_message=feed.Trade
    Receive    ${FEED}/protobuf    $[?(@.symbol == "BTC-USD")].tags[1]    ==    b    last=2

Protocol Buffers Without A Schema Read Like Decode Raw
    Connect    ${FEED}/protobuf    binary_format=protobuf
    ${trade}=    Receive    ${FEED}/protobuf    $[?(@.1 == "BTC-USD")]    last=2
    Should Be Equal As Integers    ${trade}[3]    ${{2**63 + 5}}
    Should Be Equal As Integers    ${trade}[8]    2
    Should Be Equal    ${trade}[7]    ${{b"\x00\xff"}}
    Should Be Equal    ${trade}[9]    ${{{"1": 16250, "3": "USD"}}}
    Should Be Equal    ${trade}[10]    ${{["a", "b"]}}

Unusable Arguments Fail Connect
    Run Keyword And Expect Error    *unknown binary_format 'json'*
    ...    Connect    ${FEED}/msgpack    binary_format=json
    Run Keyword And Expect Error    *proto_message*need*binary_format=protobuf*
    ...    Connect    ${FEED}/msgpack    proto_message=feed.Trade
    Run Keyword And Expect Error    *feed.Nothing*
    ...    Connect    ${FEED}/protobuf    binary_format=protobuf    proto=${PROTO}    proto_message=feed.Nothing
    Run Keyword And Expect Error    *cannot be used with protocol=stomp*
    ...    Connect    ${FEED}/msgpack    binary_format=msgpack    protocol=stomp
    Run Keyword And Expect Error    *cannot be used with protocol=socketio*
    ...    Connect    ${FEED}/cbor    binary_format=cbor    protocol=socketio

A Missing Package Fails Connect With The Pip Command
    Hide Python Package    cbor2
    Run Keyword And Expect Error    *pip install cbor2*
    ...    Connect    ${FEED}/cbor    binary_format=cbor
    Hide Python Package    grpc_tools
    Run Keyword And Expect Error    *pip install 'robotframework-websocket?protobuf?'*
    ...    Connect    ${FEED}/protobuf    binary_format=protobuf    proto=${PROTO}
    Run Keyword And Expect Error    *pip install*
    ...    Start Mock Server    alias=nocbor    binary_format=cbor
    [Teardown]    Restore Python Packages

Encoding Failure Fails Send
    Connect    ${FEED}/protobuf    binary_format=protobuf    proto=${PROTO}    proto_message=feed.Trade
    Run Keyword And Expect Error    Cannot send that document:*nosuch*
    ...    Send    ${FEED}/protobuf    ${{{"nosuch": 1}}}


*** Keywords ***
Start Feed
    [Documentation]    Starts the binary feed server and publishes its URL as ``${FEED}``.
    ${url}=    Start Binary Feed
    Set Suite Variable    ${FEED}    ${url}    # robocop: off=VAR05
