*** Settings ***
Documentation       SignalR: ``Connect`` with ``protocol=signalr`` and the hub's ``http://`` URL
...                 negotiates (with the headers given), does the handshake and answers the
...                 hub's pings, so tests invoke hub methods and read hub messages as documents:
...                 ``{"type": 1, "target": "ReceiveMessage", "arguments": [...]}``. The chat hub
...                 is ``servers/chat_hub.py``.
Library             OperatingSystem
Library             RobotWebSocket    timeout=5s
Resource            servers.resource
Suite Setup         Start Chat Hub
Suite Teardown      Stop Example Server    hub
Test Teardown       Disconnect All


*** Test Cases ***
Invoke A Hub Method And Get Its Result
    [Documentation]    ``Request`` adds an ``invocationId`` and waits for its completion.
    Connect Hub    alice
    Request    alice    {"target": "Add", "arguments": [40, 2]}    $.result    ==    42
    Request    alice    {"target": "Nope", "arguments": []}    $.error    contains    Unknown hub method

Every Client Receives A Chat Message
    [Documentation]    ``Send`` of a target and arguments invokes without waiting; the hub's own
    ...    invocations arrive as type 1 documents.
    Connect Hub    alice
    Connect Hub    bob
    Send    alice    {"target": "SendMessage", "arguments": ["alice", "hi bob"]}
    Receive    bob    $[?(@.target == "ReceiveMessage")].arguments[1]    ==    hi bob

Stream Items Enter The History
    Connect Hub    alice
    Request    alice    {"type": 4, "target": "Countdown", "arguments": [3]}
    ${items}    Receive    alice    $[?(@.type == 2)].item    all=True    last=10
    Should Be Equal    ${items}    ${{[3, 2, 1]}}

A Wrong Token Is Refused At Negotiation
    Run Keyword And Expect Error    *HTTP 401*
    ...    Connect    ${HUB}    protocol=signalr    headers={"Authorization": "Bearer wrong"}


*** Keywords ***
Start Chat Hub
    [Documentation]    Starts the hub. A real suite would find the hub's token in the
    ...    environment variable ``HUB_AUTHORIZATION`` (set by CI from its secret store); the example
    ...    sets it here.
    Set Environment Variable    HUB_AUTHORIZATION    Bearer letmein
    ${url}    Start Example Server    hub    chat_hub.py
    VAR    ${HUB}    ${url.replace("ws://", "http://")}/chat    scope=GLOBAL

Connect Hub
    [Documentation]    Connects to the hub as ``alias``; the token is a Secret, masked in the log.
    [Arguments]    ${alias}
    VAR    ${authorization: Secret}    %{HUB_AUTHORIZATION}
    VAR    &{auth}    Authorization=${authorization}
    Connect    ${HUB}    protocol=signalr    headers=${auth}    alias=${alias}
