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
    [Documentation]    The server sends ``late`` one second after it is asked to, so the history
    ...    is still empty when Receive starts, and what Receive returns arrived while it waited.
    Connect    ${WS}/script
    Send    ${WS}/script    {"delay": 1000, "send": ["late"]}
    ${before}=    Get Message Count    ${WS}/script
    Should Be Equal As Integers    ${before}    0
    ${first}=    Receive    ${WS}/script    timeout=10s
    Should Be Equal    ${first}    late

Receive Fails When Nothing Arrives
    Connect    ${WS}/silent
    Run Keyword And Expect Error
    ...    Receive on '${WS}/silent': timed out after 0.3 s waiting for any message.\nNo message arrived.
    ...    Receive    ${WS}/silent    timeout=0.3s

Messages Pushed Over Time Are All Kept In Arrival Order
    Connect    ${WS}/push?count=4&interval=100
    Get Message Count    ${WS}/push?count=4&interval=100    ==    4
    ${all}=    Receive    ${WS}/push?count=4&interval=100    last=10
    ${numbers}=    Evaluate    [json.loads(message)["n"] for message in $all]    modules=json
    Should Be Equal    ${numbers}    ${{[1, 2, 3, 4]}}

Clear Messages Empties The History
    Connect    ${WS}/push?count=4
    Get Message Count    ${WS}/push?count=4    assertion_operator===    expected=4
    ${removed}=    Clear Messages    ${WS}/push?count=4
    Should Be Equal As Integers    ${removed}    4
    ${count}=    Get Message Count    ${WS}/push?count=4
    Should Be Equal As Integers    ${count}    0
    Run Keyword And Expect Error    *timed out after 0.2 s*    Receive    ${WS}/push?count=4    timeout=0.2s
