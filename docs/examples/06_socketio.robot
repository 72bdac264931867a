*** Settings ***
Documentation       Socket.IO: ``Connect`` with ``protocol=socketio`` speaks Engine.IO and Socket.IO,
...                 so tests send and receive events as documents:
...                 ``{"type": "event", "event": "message", "args": [...], "namespace": "/", "id": null}``.
...                 The chat server (``servers/chat_server.py``) pings every second and drops a
...                 client that has not answered within another second.
Library             OperatingSystem
Library             RobotWebSocket    timeout=5s
Resource            servers.resource
Suite Setup         Start Chat Server
Suite Teardown      Stop Chat Server
Test Teardown       Disconnect All


*** Test Cases ***
Join A Room And Get The Acknowledgement
    [Documentation]    ``init`` is Socket.IO's auth object; ``Request`` waits for the event's ack.
    Connect    ${CHAT}    protocol=socketio    init={"name": "alice"}
    Request    ${CHAT}    {"event": "join", "args": ["lobby"]}    $.args[0].ok    ==    true
    # The wire form works too: the event's name, then its arguments.
    Request    ${CHAT}    ["join", "kitchen"]    $.args[0].room    ==    kitchen

A Message Reaches Everyone In The Room
    [Documentation]    Three users on one URL are three aliases; a JSONPath filter picks the event.
    Connect    ${CHAT}    alias=alice    protocol=socketio    init={"name": "alice"}
    Connect    ${CHAT}    alias=bob    protocol=socketio    init={"name": "bob"}
    Connect    ${CHAT}    alias=carol    protocol=socketio    init={"name": "carol"}
    Request    alice    ["join", "lobby"]
    Request    bob    ["join", "lobby"]
    Send    alice    {"event": "say", "args": ["lobby", "hi all"]}
    ${text}    Receive    bob    $[?(@.event == "message")].args[0].text    last=10
    Should Be Equal    ${text}    hi all
    Receive    bob    $[?(@.event == "message")].args[0].from    ==    alice    last=10
    Should Not Receive    carol    $.event    ==    message    within=500ms

The Admin Namespace Takes A Token
    [Documentation]    The URL's path is the namespace. The token is a Secret: the log shows it masked.
    Connect    ${CHAT}    alias=bob    protocol=socketio    init={"name": "bob"}
    Request    bob    ["join", "lobby"]
    VAR    ${token: Secret}    %{DEMO_TOKEN}
    VAR    &{auth}    token=${token}
    Connect    ${CHAT}/admin    protocol=socketio    init=${auth}
    Request    ${CHAT}/admin    ["announce", "lobby", "closing at six"]    $.args[0].ok    ==    true
    Receive    bob    $[?(@.event == "message")].args[0].text    ==    closing at six    last=10

A Wrong Token Is Refused
    [Documentation]    ``Connect`` fails with the server's ``connect_error`` message.
    Run Keyword And Expect Error    *invalid token*
    ...    Connect    ${CHAT}/admin    protocol=socketio    init={"token": "wrong"}

Pings Are Answered While The Test Sleeps
    [Documentation]    The library answers Engine.IO pings by itself; they never enter the history.
    Connect    ${CHAT}    protocol=socketio
    Sleep    3s    The server drops a client that misses a ping for 2 seconds.
    ${info}    Get Connection Info    ${CHAT}
    Should Be Equal    ${info}[state]    open
    Get Message Count    ${CHAT}    ==    0
    Request    ${CHAT}    ["join", "lobby"]    $.args[0].ok    ==    true


*** Keywords ***
Start Chat Server
    [Documentation]    Starts the chat server, pinging every second, as ``${CHAT}``, and puts
    ...    the admin token in the environment variable ``DEMO_TOKEN``. In CI that variable
    ...    comes from the CI's secret store; the example sets it itself.
    Set Environment Variable    DEMO_TOKEN    letmein
    ${url}    Start Example Server    chat    chat_server.py    --ping-interval    1    --ping-timeout    1
    VAR    ${CHAT}    ${url}    scope=GLOBAL

Stop Chat Server
    [Documentation]    Closes the suite's connections, then stops the server.
    Disconnect All
    Stop Example Server    chat
