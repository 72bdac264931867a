*** Settings ***
Documentation       Socket.IO with ``socket.io-msgpack-parser`` (``protocol=socketio`` and
...                 ``binary_format=msgpack``) against socket.io 4 on Node with that parser
...                 (atest/resources/node/socketio_msgpack_server.js): Socket.IO packets are
...                 MessagePack binary frames, Engine.IO pings stay text. The server pings every
...                 half second and drops a client that has not answered within another second.
Resource            ../resources/common.resource
Library             ../resources/BinaryServers.py
Suite Setup         Start Server
Suite Teardown      Stop Part1 Servers
Test Teardown       Disconnect All


*** Test Cases ***
Connect Speaks The Msgpack Parser And Receives The Greeting Document
    ${name}=    Connect    ${SIO}    protocol=socketio    binary_format=msgpack    init={"token": "abc"}
    ${info}=    Get Connection Info    ${name}
    Should Be Equal    ${info}[protocol]    socketio
    Should Be True    isinstance($info["session"], str) and len($info["session"]) > 0
    ${document}=    Receive    ${name}    $[?(@.event == "greet")]
    Should Be Equal
    ...    ${document}
    ...    ${{{"type": "event", "namespace": "/", "event": "greet", "args": [{"auth": {"token": "abc"}, "nsp": "/"}], "id": None}}}

Request Waits For The Ack With Its Id
    Connect    ${SIO}    protocol=socketio    binary_format=msgpack
    ${ack}=    Request    ${SIO}    {"event": "echo", "args": ["hi", {"n": 1}]}
    Should Be Equal    ${ack}    ${{{"type": "ack", "namespace": "/", "id": 0, "args": ["hi", {"n": 1}]}}}
    ${second}=    Request    ${SIO}    ["echo", 2]    $.args[0]    ==    2
    Should Be Equal As Integers    ${second}    2

Bytes In Args Round Trip As MessagePack Bin Values
    Connect    ${SIO}    protocol=socketio    binary_format=msgpack
    ${data}=    Evaluate    {"event": "echo", "args": [b"\\x00\\x01\\xfe\\xff", {"blob": b"abc"}]}
    ${args}=    Request    ${SIO}    ${data}    $.args
    Should Be Equal    ${args}    ${{[b"\x00\x01\xfe\xff", {"blob": b"abc"}]}}
    Send    ${SIO}    ${{{"event": "shout", "args": [b"\xff" * 3]}}}
    ${shouted}=    Receive    ${SIO}    $[?(@.event == "shouted")].args[0]
    Should Be Equal    ${shouted}    ${{b"\xff\xff\xff"}}

Pings Are Answered While The Test Sleeps
    Connect    ${SIO}    protocol=socketio    binary_format=msgpack
    # Longer than the ping interval plus the ping timeout: an unanswered ping would drop us.
    Sleep    2s
    ${info}=    Get Connection Info    ${SIO}
    Should Be Equal    ${info}[state]    open
    Request    ${SIO}    ["pongs"]    $.args[0]    >=    3

A Refused Namespace Fails Connect With The Server's Message
    Run Keyword And Expect Error    *admins only*
    ...    Connect    ${SIO}/admin    protocol=socketio    binary_format=msgpack


*** Keywords ***
Start Server
    [Documentation]    Starts the Node server once for the suite, with short Engine.IO pings.
    ${url}=    Start Socket IO Msgpack Server    ping_interval=0.5    ping_timeout=1
    Set Suite Variable    ${SIO}    ${url}    # robocop: off=VAR05
