*** Settings ***
Documentation       Socket.IO 5 over Engine.IO 4 (``protocol=socketio``) against python-socketio.
...                 The server pings every second and drops a client that has not answered
...                 within another second, so every test here also shows that the library
...                 answers Engine.IO pings on its own.
Resource            ../resources/common.resource
Library             ../resources/Part1Servers.py
Suite Setup         Start Socket IO Server For The Suite
Suite Teardown      Stop Servers Of The Suite
Test Teardown       Disconnect All


*** Variables ***
${TOKEN}        letmein


*** Test Cases ***
Connect Returns Once The Namespace Is Connected And Keeps The Handshake Out Of The History
    ${name}=    Connect    ${SIO}    protocol=socketio
    Should Be Equal    ${name}    ${SIO}
    ${info}=    Get Connection Info    ${SIO}
    Should Be Equal    ${info}[protocol]    socketio
    Should Be Equal    ${info}[state]    open
    Should Be Equal    ${info}[subprotocol]    ${None}
    Should Be True    isinstance($info["session"], str) and len($info["session"]) > 0
    Get Message Count    ${SIO}    ==    0

Session Is The Namespace Sid The Server Knows
    Connect    ${SIO}/private    protocol=socketio    init={"token": "${TOKEN}", "user": "ann"}
    ${info}=    Get Connection Info    ${SIO}/private
    ${sid}=    Request    ${SIO}/private    {"event": "whoami"}    $.args[0].sid
    Should Be Equal    ${sid}    ${info}[session]

Refused Namespace Fails Connect With The Server's Message
    Run Keyword And Expect Error    *invalid token*
    ...    Connect    ${SIO}/private    protocol=socketio    init={"token": "wrong"}
    Run Keyword And Expect Error    *invalid token*
    ...    Connect    ${SIO}/private    alias=no-auth    protocol=socketio

Auth From A Dictionary Connects The Namespace
    &{auth}=    Create Dictionary    token=${TOKEN}    user=bob
    Connect    ${SIO}/private?lang=en    protocol=socketio    init=${auth}
    # The server greets while it connects the namespace, before its connect packet.
    ${user}=    Receive    ${SIO}/private?lang=en    $[?(@.event == "welcome")].args[0].user
    Should Be Equal    ${user}    bob

Received Events Are Documents
    Connect    ${SIO}    protocol=socketio
    Send    ${SIO}    {"event": "echo", "args": ["hi", {"n": 1}]}
    ${event}=    Receive    ${SIO}    $.event    ==    echo
    Should Be Equal    ${event}    echo
    ${document}=    Receive    ${SIO}
    Should Be Equal    ${document}    ${{{"type": "event", "namespace": "/", "event": "echo", "args": ["hi", {"n": 1}], "id": None}}}

Wire Form And JSON Text Are Sent As Events
    Connect    ${SIO}    protocol=socketio
    @{wire}=    Create List    echo    wire form
    Send    ${SIO}    ${wire}
    Send    ${SIO}    {"event": "echo", "args": ["json text"]}
    Receive    ${SIO}    $.args[0]    ==    json text
    ${args}=    Receive    ${SIO}    $[?(@.event == "echo")].args[0]    all=True    last=2
    Should Be Equal    ${args}    ${{["wire form", "json text"]}}

Request Waits For The Ack With Its Id
    Connect    ${SIO}    protocol=socketio
    ${sum}=    Request    ${SIO}    {"event": "add", "args": [2, 3]}    $.args[0].sum    ==    5
    Should Be Equal As Integers    ${sum}    5
    ${ack}=    Request    ${SIO}    ["add", 10, 20]
    Should Be Equal    ${ack}[type]    ack
    Should Be Equal    ${ack}[namespace]    /
    Should Be Equal As Integers    ${ack}[args][0][sum]    30

Request Returns An Error Reply To Assert On
    Connect    ${SIO}    protocol=socketio
    ${error}=    Request    ${SIO}    {"event": "add", "args": ["x", 1]}    $.args[0].error    contains    two numbers
    Should Start With    ${error}    add needs two numbers

Only The Ack With The Request's Id Answers It
    Connect    ${SIO}    protocol=socketio
    # An ack the test asked for itself, with an id of its own, arrives first.
    Send    ${SIO}    {"event": "add", "args": [100, 1], "id": 40}
    Receive    ${SIO}    $[?(@.type == "ack")].id    ==    40
    ${sum}=    Request    ${SIO}    {"event": "add", "args": [1, 2]}    $.args[0].sum
    Should Be Equal As Integers    ${sum}    3

The Server's Ack Request Is Answered With An Ack Document
    Connect    ${SIO}    protocol=socketio
    Send    ${SIO}    ["ask", "why?"]
    ${id}=    Receive    ${SIO}    $[?(@.event == "question")].id
    Should Be True    isinstance($id, int)
    Send    ${SIO}    {"type": "ack", "id": ${id}, "args": ["because"]}
    Receive    ${SIO}    $[?(@.event == "answered")].args[0]    ==    because    last=5

Reply To Messages Acks The Server's Questions
    Reply To Messages    ${SIO}    $.event    ==    question    reply={"type": "ack", "id": {{$.id}}, "args": ["auto", "{{$.args[0]}}"]}
    Connect    ${SIO}    protocol=socketio
    Send    ${SIO}    ["ask", "ready?"]
    ${answer}=    Receive    ${SIO}    $[?(@.event == "answered")].args    last=5
    Should Be Equal    ${answer}    ${{["auto", "ready?"]}}
    ${info}=    Get Connection Info    ${SIO}
    Should Be True    ${info}[auto_sent] >= 1

Binary Attachments From The Server Are Bytes In Place
    Connect    ${SIO}    protocol=socketio
    Send    ${SIO}    {"event": "file"}
    ${data}=    Receive    ${SIO}    $[?(@.event == "file")].args[0].data
    ${expected}=    Convert To Bytes    00 01 02 fe ff    hex
    Should Be Equal    ${data}    ${expected}
    Receive    ${SIO}    $.args[0].name    ==    blob.bin

Bytes In Args Are Sent As Binary Attachments
    Connect    ${SIO}    protocol=socketio
    ${bytes}=    Convert To Bytes    01 02 ff    hex
    Send    ${SIO}    ${{{"event": "echo", "args": [$bytes, {"nested": $bytes}, "tail"]}}}
    ${args}=    Receive    ${SIO}    $[?(@.event == "echo")].args
    Should Be Equal    ${args}[0]    ${bytes}
    Should Be Equal    ${args}[1][nested]    ${bytes}
    Should Be Equal    ${args}[2]    tail

A Room Broadcast Reaches The Other Member Only
    Connect    ${SIO}    alias=ann    protocol=socketio
    Connect    ${SIO}    alias=bob    protocol=socketio
    Request    ann    ["join", "lobby"]    $.args[0]    ==    lobby
    Request    bob    ["join", "lobby"]    $.args[0]    ==    lobby
    Send    ann    ["shout", "lobby", "hello all"]
    ${text}=    Receive    bob    $[?(@.event == "shouted")].args[0].text
    Should Be Equal    ${text}    hello all
    Should Not Receive    ann    $.event    ==    shouted    within=0.5s

A Server-Side Disconnect Is A Disconnect Document
    Connect    ${SIO}    protocol=socketio
    Send    ${SIO}    ["kick"]
    ${namespace}=    Receive    ${SIO}    $[?(@.type == "disconnect")].namespace
    Should Be Equal    ${namespace}    /

Pings Are Answered While The Test Sleeps And Never Enter The History
    Connect    ${SIO}    protocol=socketio
    # The server drops a client that misses a ping for 2 s (seen with a raw client), so
    # still being open after 4 s shows the library answered its pings while nothing read.
    Sleep    4s
    ${info}=    Get Connection Info    ${SIO}
    Should Be Equal    ${info}[state]    open
    Get Message Count    ${SIO}    ==    0
    Should Be Equal As Integers    ${info}[received]    0
    Request    ${SIO}    ["add", 1, 1]    $.args[0].sum    ==    2

Raw True Sends The Frame As Written
    Connect    ${SIO}    protocol=socketio
    Send    ${SIO}    42["echo","written by hand"]    raw=True
    Receive    ${SIO}    $.args[0]    ==    written by hand
    # regex= reads the raw frame, Engine.IO and Socket.IO prefixes included.
    Receive    ${SIO}    regex=^42\\["echo"    ==    42["echo"

A Frame That Is Not Engine IO Makes The Server Drop The Connection
    Connect    ${SIO}    protocol=socketio
    Send    ${SIO}    not an engine.io packet    raw=True
    ${close}=    Wait Until Closed    ${SIO}    timeout=5s
    Should Be Equal As Integers    ${close}[code]    1006

A Document That Cannot Be Encoded Fails Send With The Reason
    Connect    ${SIO}    protocol=socketio
    Run Keyword And Expect Error    *needs its name*
    ...    Send    ${SIO}    {"args": [1]}
    Run Keyword And Expect Error    Cannot send that document: *
    ...    Send    ${SIO}    plain words
    Run Keyword And Expect Error    *Only a Socket.IO event*
    ...    Request    ${SIO}    {"type": "ack", "id": 1, "args": []}

A URL With EIO In Its Query Is Used As Given
    ${url}=    Set Variable    ${SIO}/socket.io/?EIO=4&transport=websocket
    ${name}=    Connect    ${url}    protocol=socketio
    Should Be Equal    ${name}    ${url}
    Request    ${url}    ["add", 4, 4]    $.args[0].sum    ==    8

Websocket Scheme Works As Well As Http
    ${url}=    Evaluate    $SIO.replace("http://", "ws://")
    Connect    ${url}    protocol=socketio
    Request    ${url}    ["add", 2, 2]    $.args[0].sum    ==    4


*** Keywords ***
Start Socket IO Server For The Suite
    [Documentation]    Starts python-socketio pinging every second with a 1 s timeout and
    ...    publishes its ``http://`` URL as ``${SIO}``.
    ${url}=    Start Socket IO Server    ping_interval=1    ping_timeout=1
    Set Suite Variable    ${SIO}    ${url}    # robocop: off=VAR05

Stop Servers Of The Suite
    [Documentation]    Closes every connection, then stops the server.
    Disconnect All
    Stop Part1 Servers
