*** Settings ***
Documentation       A mock Socket.IO server against socket.io-client 4 (WebSocket transport).
Resource            protocol_clients.resource
Test Teardown       Stop Clients And Servers


*** Variables ***
${TIMING}       {"pingInterval": 300, "pingTimeout": 600}


*** Test Cases ***
Socket IO Client Emits, Is Acked, Receives Events And Answers A Request
    ${url}=    Start Mock Server    alias=sio    protocol=socketio    init=${TIMING}
    ${client}=    Start Official Client    socketio    ${url}    stay=3s
    Wait For Client    sio
    Wait For Client Line    ${client}    connect
    Mock Answers Hello, Emits News And Asks
    # Several ping intervals: the server pings, the client answers, nothing enters the history.
    Sleep    1.2s
    ${info}=    Get Connection Info    sio#1
    Should Be True    $info["protocol"] == "socketio" and $info["state"] == "open"    ${info}
    Should Be Equal    ${info}[session]    ${{{"token": "***"}}}
    Client Line Should Have    ${client}    ack    answer    ${{{"got": "world"}}}
    Client Line Should Have    ${client}    news    args    ${{["fresh", {"n": 1}]}}
    Client Line Should Have    ${client}    ask    question    ready?
    Client Should Have Stayed Up    ${client}    $done["connected"] and $done["pings"] >= 3
    Receive    sio#1    $.type    ==    disconnect
    # hello, plain, the ack of the request and the disconnect: no ping, pong or handshake.
    Get Message Count    sio#1    ==    4
    Get Message Count    sio#1    $[?(@.event == "plain")].args[0]    ==    1

A Polling Request Gets HTTP 400
    ${url}=    Start Mock Server    alias=sio    protocol=socketio
    ${http}=    Replace String    ${url}    ws://    http://
    ${response}=    Http Request    GET    ${http}/socket.io/?EIO=4&transport=polling
    Should Be Equal As Integers    ${response}[status]    400
    Should Contain    ${response}[body]    only the WebSocket transport
    Run Keyword And Expect Error    *timed out*    Wait For Client    sio    timeout=0.2s


*** Keywords ***
Mock Answers Hello, Emits News And Asks
    [Documentation]    Acks the client's ``hello``, emits ``news`` to every client, and asks
    ...    ``ask`` with an ack id, waiting for the client's ack.
    ${id}=    Receive    sio#1    $[?(@.event == "hello")].id    last=5
    Receive    sio#1    $[?(@.event == "hello")].args    ==    ["world", {"n": 1}]    last=5
    Send    sio#1    {"type": "ack", "id": ${id}, "args": [{"got": "world"}]}
    Send    sio    {"event": "news", "args": ["fresh", {"n": 1}]}
    Request    sio#1    {"event": "ask", "args": ["ready?"]}    $.args[0].ok    ==    true
