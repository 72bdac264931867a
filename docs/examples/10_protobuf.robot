*** Settings ***
Documentation       Protocol Buffers: ``binary_format=protobuf`` with a ``.proto`` file decodes each
...                 binary frame into a dictionary with the ``.proto`` field names (int64 values
...                 as integers, enums by name), and encodes the dictionaries that ``Send`` is
...                 given. The quote server (``servers/quote_server.py``) runs Google's own
...                 ``protobuf`` runtime. Needs ``pip install 'robotframework-websocket[protobuf]'``.
Library             RobotWebSocket    timeout=5s
Resource            servers.resource
Suite Setup         Start Quote Server
Suite Teardown      Stop Example Server    quotes
Test Teardown       Disconnect All


*** Variables ***
${PROTO}    ${CURDIR}/servers/quotes.proto


*** Test Cases ***
Subscribe And Read Quotes
    [Documentation]    ``proto_message`` is the type of received frames; ``@type`` names the
    ...    type of a sent dictionary. The server's text frames are read as JSON, as always.
    Connect    ${QUOTES}    binary_format=protobuf    proto=${PROTO}    proto_message=quotes.Quote
    Send And Receive    ${QUOTES}    ${{{"@type": "quotes.Subscribe", "symbols": ["BTC-USD", "ETH-USD"]}}}
    ...    $.subscribed[1]    ==    ETH-USD
    Get Message Count    ${QUOTES}    $[?(@.symbol == "ETH-USD")]    ==    2
    ${ask}    Receive    ${QUOTES}    $[?(@.symbol == "BTC-USD" && @.side == "ASK")]    last=10
    Should Be Equal As Numbers    ${ask}[price]    100.5
    Should Be True    ${ask}[sequence] > 2**40

Read Frames Without A Schema
    [Documentation]    Without ``proto``, frames read like ``protoc --decode_raw``: field numbers
    ...    as keys. Sent dictionaries are keyed by field numbers too.
    Connect    ${QUOTES}    binary_format=protobuf
    Send And Receive    ${QUOTES}    ${{{"1": ["BTC-USD"]}}}    $.subscribed[0]    ==    BTC-USD
    Receive    ${QUOTES}    $[?(@.3 == 2)].1    ==    BTC-USD    last=3


*** Keywords ***
Start Quote Server
    [Documentation]    Starts the quote server and publishes its URL as ``${QUOTES}``.
    ${url}    Start Example Server    quotes    quote_server.py
    VAR    ${QUOTES}    ${url}/quotes    scope=GLOBAL
