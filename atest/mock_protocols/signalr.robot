*** Settings ***
Documentation       A mock SignalR hub against @microsoft/signalr (Node, WebSockets transport):
...                 negotiation skipped, and with negotiation (the mock answers the POST).
Resource            protocol_clients.resource
Test Teardown       Stop Clients And Servers
Test Template       SignalR Client Invokes, Is Invoked And Answers A Client Result


*** Variables ***
${TIMING}       {"keep_alive": 0.3, "timeout": 2}


*** Test Cases ***                 OPTIONS         FORMAT
Negotiation Skipped                 skip            json
With Negotiation                    negotiate       json
MessagePack, Negotiation Skipped    skip,msgpack    messagepack


*** Keywords ***
SignalR Client Invokes, Is Invoked And Answers A Client Result
    [Documentation]    The hub answers Hello, notifies, asks GetAnswer; pings both ways.
    [Arguments]    ${options}    ${format}
    Skip Negotiation Before Websockets 16    ${options}
    ${url}=    Start Mock Server    alias=hub    protocol=signalr    init=${TIMING}
    ${client}=    Start Official Client    signalr    ${{$url.replace("ws://", "http://")}}/chat    ${options}    stay=2.5s
    Wait For Client    hub
    Mock Hub Answers Hello, Notifies And Asks    ${client}
    ${info}=    Get Connection Info    hub#1
    Should Be Equal    ${info}[session][protocol]    ${format}
    # Pings every 300 ms both ways; the client gives up after 2 s of silence.
    Sleep    1s
    Client Should Have Stayed Up    ${client}    $done["state"] == "Connected"
    Client Line Should Have    ${client}    notify    args    ${{["news", 1]}}
    Get Message Count    hub#1    $[?(@.type == 6)]    ==    0
    Get Message Count    hub#1    $[?(@.type == 1)]    ==    2

Mock Hub Answers Hello, Notifies And Asks
    [Documentation]    Completes the client's ``Hello``, invokes ``Notify`` on every client and
    ...    asks ``GetAnswer`` (a client result) with `Request`.
    [Arguments]    ${client}
    ${id}=    Receive    hub#1    $[?(@.target == "Hello")].invocationId    last=5
    Receive    hub#1    $[?(@.target == "Hello")].arguments    ==    ["world"]    last=5
    Send    hub#1    {"type": 3, "invocationId": "${id}", "result": "hello, world"}
    Client Line Should Have    ${client}    hello    result    hello, world
    Receive    hub#1    $[?(@.target == "Log")].arguments[0]    ==    fire and forget    last=5
    Send    hub    {"target": "Notify", "arguments": ["news", 1]}
    ${answer}=    Request    hub#1    {"target": "GetAnswer", "arguments": ["why"]}    $.result
    Should Be Equal    ${answer}    answer to why

Skip Negotiation Before Websockets 16
    [Documentation]    The mock server answers the negotiate POST through websockets 16's
    ...    request hook; websockets 15 reads GET requests only.
    [Arguments]    ${options}
    ${major}=    Evaluate    int(__import__("websockets").version.version.split(".")[0])
    Skip If    "negotiate" in "${options}" and ${major} < 16
    ...    The mock server answers the negotiate POST with websockets 16 or newer.
