*** Settings ***
Documentation       A library imported with a small buffer_size drops the oldest messages.
Resource            ../resources/common.resource
Library             RobotWebSocket    timeout=3s    buffer_size=5    AS    Small
Test Teardown       Small.Disconnect All


*** Test Cases ***
Past Buffer Size The Oldest Are Dropped And Reported
    [Documentation]    Logs an intended [ WARN ]: 3 messages were dropped past buffer_size.
    Small.Connect    ${WS}/push?count=8
    Small.Get Message Count    ${WS}/push?count=8    assertion_operator===    expected=5
    Small.Receive    ${WS}/push?count=8    $.n    ==    8
    Received Should Be    ${WS}/push?count=8    8
    ${kept}=    Small.Receive    ${WS}/push?count=8    last=10
    Length Should Be    ${kept}    5
    Should Be Equal    ${kept}[0]    {"type": "tick", "n": 4}
    ${info}=    Small.Get Connection Info    ${WS}/push?count=8
    Should Be Equal As Integers    ${info}[dropped]    3


*** Keywords ***
Received Should Be
    [Documentation]    Fails unless ${connection} has received ${expected} messages in all.
    [Arguments]    ${connection}    ${expected}
    ${info}=    Small.Get Connection Info    ${connection}
    Should Be Equal As Integers    ${info}[received]    ${expected}
