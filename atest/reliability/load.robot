*** Settings ***
Documentation       Load: many connections at once, and bursts with and without room in the buffer.
Resource            ../resources/common.resource
Library             RobotWebSocket    timeout=30s    buffer_size=100000    AS    Big
Library             RobotWebSocket    timeout=30s    buffer_size=1000    AS    Tiny
Test Teardown       Run Keywords    RobotWebSocket.Disconnect All    AND    Big.Disconnect All    AND    Tiny.Disconnect All


*** Variables ***
${BURST}        100000


*** Test Cases ***
Two Hundred Connections Each Send And Receive
    FOR    ${i}    IN RANGE    200
        RobotWebSocket.Connect    ${WS}/echo    alias=user-${i}    compression=False
    END
    FOR    ${i}    IN RANGE    200
        ${reply}=    RobotWebSocket.Send And Receive    user-${i}    {"user": ${i}}    $.user    ==    ${i}
        Should Be Equal As Integers    ${reply}    ${i}
    END
    ${started}=    Get Time    epoch
    RobotWebSocket.Disconnect All
    ${elapsed}=    Evaluate    time.time() - ${started}
    Should Be True    ${elapsed} < 10    Disconnect All took ${elapsed} s
    ${info}=    RobotWebSocket.Get Connection Info    user-199
    Should Be Equal    ${info}[state]    closed

A Burst Of 100000 Messages Loses None And Keeps The Order
    Big.Connect    ${WS}/script    compression=False
    Big.Send    ${WS}/script    {"burst": ${BURST}}
    Big.Get Message Count    ${WS}/script    assertion_operator===    expected=${BURST}    timeout=60s
    ${all}=    Big.Receive    ${WS}/script    regex=\\d+    last=${BURST}    all=True
    ${in_order}=    Evaluate    [int(n) for n in $all] == list(range(1, ${BURST} + 1))
    Should Be True    ${in_order}    messages were lost or reordered
    ${info}=    Big.Get Connection Info    ${WS}/script
    Should Be Equal As Integers    ${info}[dropped]    0

A Burst Into A Small Buffer Drops The Oldest And Says How Many
    [Documentation]    Logs an intended [ WARN ]: 19000 messages were dropped past buffer_size.
    Tiny.Connect    ${WS}/script    compression=False
    Tiny.Send    ${WS}/script    {"burst": 20000}
    Tiny.Receive    ${WS}/script    $.seq    ==    20000    timeout=60s
    Tiny Received    20000
    ${count}=    Tiny.Get Message Count    ${WS}/script
    Should Be Equal As Integers    ${count}    1000
    ${oldest}=    Tiny.Receive    ${WS}/script    $.seq    last=1000    all=True
    Should Be Equal As Integers    ${oldest}[0]    19001
    Should Be Equal As Integers    ${oldest}[-1]    20000
    ${info}=    Tiny.Get Connection Info    ${WS}/script
    Should Be Equal As Integers    ${info}[dropped]    19000


*** Keywords ***
Tiny Received
    [Documentation]    Fails until the Tiny library's connection has received ${expected} messages.
    [Arguments]    ${expected}
    ${info}=    Tiny.Get Connection Info    ${WS}/script
    Should Be Equal As Integers    ${info}[received]    ${expected}
