*** Settings ***
Documentation       ``protocol=signalr`` against a hub server written from Microsoft's
...                 specification and checked against ``@microsoft/signalr``
...                 (atest/resources/servers/signalr_hub.py), in JSON and in MessagePack
...                 (``binary_format=msgpack``), negotiated over HTTP(S) and direct. The hub
...                 pings every 0.3 s and drops a client silent for 3 s.
Resource            ../resources/common.resource
Library             ../resources/BinaryServers.py
Suite Setup         Start Hubs
Suite Teardown      Stop Part1 Servers
Test Teardown       Disconnect All


*** Variables ***
${TOKEN}        hub-secret-7f3a


*** Test Cases ***
Negotiated JSON Hub Conversation
    [Template]    Hub Conversation
    ${HUB}    ${None}

Negotiated MessagePack Hub Conversation
    [Template]    Hub Conversation
    ${HUB}    msgpack

Direct JSON Hub Conversation
    [Template]    Hub Conversation
    ${HUB_WS}    ${None}

Direct MessagePack Hub Conversation
    [Template]    Hub Conversation
    ${HUB_WS}    msgpack

Connect Returns After The Handshake And Keeps It Out Of The History
    ${name}=    Connect    ${HUB}    protocol=signalr
    Should Be Equal    ${name}    ${HUB}
    ${info}=    Get Connection Info    ${HUB}
    Should Be Equal    ${info}[protocol]    signalr
    Should Be Equal    ${info}[session]    ${{{}}}
    Should Be Equal    ${info}[state]    open
    Get Message Count    ${HUB}    ==    0

Send Invokes And Every Client Receives The Server's Invocation
    Connect    ${HUB}    protocol=signalr    alias=ann
    Connect    ${HUB_WS}    protocol=signalr    binary_format=msgpack    alias=bob
    Send    ann    {"target": "Broadcast", "arguments": ["hi", {"n": 1}]}
    ${ann}=    Receive    ann    $[?(@.target == "Receive")]
    Should Be Equal    ${ann}    ${{{"type": 1, "target": "Receive", "arguments": ["hi", {"n": 1}]}}}
    Receive    bob    $.arguments[1].n    ==    1
    Should Not Receive    ann    $.type    ==    3    within=0.2s

Pings Keep The Connection Through A Long Sleep And Stay Out Of The History
    [Documentation]    The client pings every 0.5 s (its ``init``); the hub drops a client
    ...    silent for 3 s and pings every 0.3 s itself.
    Connect    ${HUB}    protocol=signalr    init={"keepAliveIntervalInMilliseconds": 500}
    Sleep    4s    reason=the hub drops a client silent for 3 s
    Get Message Count    ${HUB}    ==    0
    Request    ${HUB}    {"target": "Stats", "arguments": []}    $.result.pings    >=    6
    ${info}=    Get Connection Info    ${HUB}
    Should Be Equal    ${info}[state]    open

A Silent Client Gets The Hub's Close Message
    Connect    ${HUB}    protocol=signalr    binary_format=msgpack
    ${close}=    Wait Until Closed    ${HUB}    timeout=8s
    Should Be Equal    ${close}[reason]
    ...    Server timeout elapsed without receiving a message from the client.
    Receive    ${HUB}    $.type    ==    7

Close Message Closes With Its Error As The Reason
    Connect    ${HUB}    protocol=signalr
    Send    ${HUB}    {"target": "CloseMe", "arguments": ["maintenance window", false]}
    ${close}=    Wait Until Closed    ${HUB}
    Should Be Equal    ${close}[reason]    maintenance window
    Should Be Equal As Integers    ${close}[code]    1000
    ${document}=    Receive    ${HUB}
    Should Be Equal    ${document}    ${{{"type": 7, "error": "maintenance window"}}}

Refused Negotiate Fails Connect With The Status And The Server's Words
    Run Keyword And Expect Error    *negotiate*HTTP 401*Unauthorized*
    ...    Connect    http://127.0.0.1:${HUB_PORT}/refused    protocol=signalr
    Run Keyword And Expect Error    *refused to negotiate: This connection is not allowed*
    ...    Connect    http://127.0.0.1:${HUB_PORT}/denied    protocol=signalr

Handshake Error Fails Connect With The Server's Words
    ${server}=    Start Mock Server    alias=picky
    Reply To Messages    picky    regex="protocol":"json"
    ...    reply=${{'{"error": "Requested protocol \'json\' is not available."}' + chr(30)}}
    Run Keyword And Expect Error    *Requested protocol 'json' is not available.*
    ...    Connect    ${server}/hub    protocol=signalr
    [Teardown]    Run Keywords    Disconnect All    AND    Stop Mock Server    picky

One Redirect Is Followed With Its Access Token
    Connect    http://127.0.0.1:${HUB_PORT}/redirect    protocol=signalr    alias=azure
    Request    azure    {"target": "Stats", "arguments": []}    $.result.authorization    ==
    ...    Bearer redirected

Headers TLS Options And Client Certificates Go To Negotiate And Upgrade    # robocop: off=LEN04
    &{auth}=    Create Dictionary    Authorization=Bearer ${TOKEN}
    Connect    ${SECURE_HUB}    protocol=signalr    headers=${auth}    ca_file=${CA}
    ...    client_cert=${CLIENT_CERT}    client_key=${CLIENT_KEY}
    Request    ${SECURE_HUB}    {"target": "Stats", "arguments": []}    $.result.authorization    ==
    ...    Bearer ${TOKEN}
    ${har}=    Save Conversation    ${SECURE_HUB}    ${OUTPUT DIR}/signalr-secure.har
    ${upgrade}=    Evaluate    json.loads(pathlib.Path($har).read_text())["log"]["entries"][0]["request"]
    ${sent}=    Evaluate    {h["name"]: h["value"] for h in $upgrade["headers"]}
    Should Be Equal    ${sent}[Authorization]    ***
    Run Keyword And Expect Error    *HTTP 401*
    ...    Connect    ${SECURE_HUB}    protocol=signalr    ca_file=${CA}    alias=no-token
    ...    client_cert=${CLIENT_CERT}    client_key=${CLIENT_KEY}
    Run Keyword And Expect Error    *certificate*
    ...    Connect    ${SECURE_HUB}    protocol=signalr    headers=${auth}    alias=untrusted
    ...    client_cert=${CLIENT_CERT}    client_key=${CLIENT_KEY}
    Run Keyword And Expect Error    *Connecting to ${SECURE_HUB} failed*
    ...    Connect    ${SECURE_HUB}    protocol=signalr    headers=${auth}    alias=no-cert
    ...    ca_file=${CA}
    Connect    ${SECURE_HUB}    protocol=signalr    headers=${auth}    alias=unverified    verify=False
    ...    client_cert=${CLIENT_CERT}    client_key=${CLIENT_KEY}    binary_format=msgpack
    Request    unverified    {"target": "Echo", "arguments": ["tls"]}    $.result    ==    tls

Negotiate Goes Through The Proxy
    [Documentation]    Only the proxy knows the host ``through-proxy.test``.
    Connect    http://through-proxy.test:${HUB_PORT}/hub    protocol=signalr    proxy=${PROXY}
    ...    alias=proxied
    Request    proxied    {"target": "Echo", "arguments": ["via proxy"]}    $.result    ==    via proxy

Negotiate Honours The Timeout
    Run Keyword And Expect Error    *timed out*
    ...    Connect    ${{$HANG.replace("ws://", "http://")}}/hub    protocol=signalr    timeout=0.5s

A Mock SignalR Hub Negotiates And Speaks Both Protocols
    [Documentation]    The library's own hub role (``Start Mock Server protocol=signalr``),
    ...    which answers the negotiate POST with websockets 16 or newer (15 reads GET only).
    Skip If    ${{int(__import__("websockets").version.version.split(".")[0]) < 16}}
    ...    The mock server answers the negotiate POST with websockets 16 or newer.
    ${server}=    Start Mock Server    alias=mockhub    protocol=signalr
    FOR    ${format}    IN    json    msgpack
        ${binary}=    Set Variable    ${{None if $format == "json" else "msgpack"}}
        Connect    ${server.replace("ws://", "http://")}/chat    protocol=signalr    alias=${format}
        ...    binary_format=${binary}
        ${client}=    Wait For Client    mockhub
        Send    ${format}    {"target": "Hello", "arguments": ["${format}"]}
        Receive    ${client}    $.arguments[0]    ==    ${format}
        Send    ${client}    {"target": "Notify", "arguments": [42]}
        Receive    ${format}    $[?(@.target == "Notify")].arguments[0]    ==    42
    END
    [Teardown]    Run Keywords    Disconnect All    AND    Stop Mock Server    mockhub


*** Keywords ***
Start Hubs
    [Documentation]    Starts the plain hub (pings every 0.3 s, drops a client silent for 3 s)
    ...    and the https one that requires a client certificate and the bearer ``${TOKEN}``.
    ${port}=    Start Signalr Hub    keep_alive=0.3    client_timeout=3
    Set Suite Variable    ${HUB_PORT}    ${port}    # robocop: off=VAR05
    Set Suite Variable    ${HUB}    http://127.0.0.1:${port}/hub    # robocop: off=VAR05
    Set Suite Variable    ${HUB_WS}    ws://127.0.0.1:${port}/hub    # robocop: off=VAR05
    ${tls}=    Create Certificates
    ${secure}=    Start Signalr Hub    token=${TOKEN}    cert=${tls}[cert]    key=${tls}[key]
    ...    ca=${tls}[ca]    name=secure-hub
    Set Suite Variable    ${SECURE_HUB}    https://127.0.0.1:${secure}/hub    # robocop: off=VAR05

Hub Conversation    # robocop: off=LEN03
    [Documentation]    Results, errors, a void method, a stream, and a client result, on a
    ...    connection to ``url`` in ``binary_format``.
    [Arguments]    ${url}    ${format}
    Connect    ${url}    protocol=signalr    binary_format=${format}    alias=hub
    ${reply}=    Request    hub    {"target": "Add", "arguments": [40, 2]}
    Should Be Equal As Integers    ${reply}[type]    3
    Should Be Equal As Integers    ${reply}[result]    42
    Should Not Be Empty    ${reply}[invocationId]
    Request    hub    {"target": "Fail", "arguments": ["out of stock"]}    $.error    ==    out of stock
    ${void}=    Request    hub    {"target": "Void", "arguments": []}
    Dictionary Should Not Contain Key    ${void}    result
    Request    hub    {"target": "Nope", "arguments": []}    $.error    ==    Method does not exist.
    Request    hub    {"target": "Echo", "arguments": [{"deep": [1, "x"]}]}    $.result.deep[1]    ==    x
    ${done}=    Request    hub    {"type": 4, "target": "Counter", "arguments": [3, 0.01]}    $.type
    Should Be Equal As Integers    ${done}    3
    ${items}=    Receive    hub    $[?(@.type == 2)].item    all=True    last=10
    Should Be Equal    ${items}    ${{[0, 1, 2]}}
    Reply To Messages    hub    $.target    ==    GetAnswer
    ...    reply={"type": 3, "invocationId": "{{$.invocationId}}", "result": 42}
    Request    hub    {"target": "AskClient", "arguments": ["answer?"]}    $.result    ==    42
    ${question}=    Receive    hub    $[?(@.target == "GetAnswer")]    last=20
    Should Be Equal    ${question}[arguments]    ${{["answer?"]}}
    Remove Message Rules    hub
    ${har}=    Save Conversation    hub    ${OUTPUT DIR}/signalr-conversation.har
    ${opcodes}=    Evaluate
    ...    {m["opcode"] for m in json.loads(pathlib.Path($har).read_text())["log"]["entries"][0]["_webSocketMessages"][1:]}
    Should Be Equal    ${opcodes}    ${{ {2} if $format == "msgpack" else {1} }}
    Disconnect    hub
