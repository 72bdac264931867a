*** Settings ***
Documentation       The message history: Receive without an expression, last N, Clear Messages.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Test Cases ***
Receive Returns The Newest Message
    Connect    ${WS}/push?count=3
    Get Message Count    ${WS}/push?count=3    assertion_operator===    expected=3
    ${newest}=    Receive    ${WS}/push?count=3
    Should Be Equal    ${newest}    {"type": "tick", "n": 3}

Receive Last N Returns A List In Arrival Order
    Connect    ${WS}/push?count=5
    Get Message Count    ${WS}/push?count=5    assertion_operator===    expected=5
    ${three}=    Receive    ${WS}/push?count=5    last=3
    Length Should Be    ${three}    3
    Should Be Equal    ${three}[0]    {"type": "tick", "n": 3}
    Should Be Equal    ${three}[2]    {"type": "tick", "n": 5}

Receive Waits For The First Message
    Connect    ${WS}/push?count=1&interval=300
    ${first}=    Receive    ${WS}/push?count=1&interval=300
    Should Be Equal    ${first}    {"type": "tick", "n": 1}

Receive Fails When Nothing Arrives
    Connect    ${WS}/silent
    Run Keyword And Expect Error
    ...    Receive on '${WS}/silent' timed out after 0.3 s waiting for any message (last=1).\nNo message arrived.
    ...    Receive    ${WS}/silent    timeout=0.3s

Receive Keeps Working While The Test Does Other Things
    Connect    ${WS}/push?count=4&interval=100
    Wait Until Keyword Succeeds    5s    100ms    Count Should Be    ${WS}/push?count=4&interval=100    4
    ${all}=    Receive    ${WS}/push?count=4&interval=100    last=10
    Length Should Be    ${all}    4

Clear Messages Empties The History
    Connect    ${WS}/push?count=4
    Get Message Count    ${WS}/push?count=4    assertion_operator===    expected=4
    ${removed}=    Clear Messages    ${WS}/push?count=4
    Should Be Equal As Integers    ${removed}    4
    ${count}=    Get Message Count    ${WS}/push?count=4
    Should Be Equal As Integers    ${count}    0
    Run Keyword And Expect Error    *timed out after 0.2 s*    Receive    ${WS}/push?count=4    timeout=0.2s


*** Keywords ***
Count Should Be
    [Documentation]    Fails unless ${connection} holds ${expected} messages.
    [Arguments]    ${connection}    ${expected}
    ${count}=    Get Message Count    ${connection}
    Should Be Equal As Integers    ${count}    ${expected}
