*** Settings ***
Documentation       Send And Receive, Receive Until, Should Not Receive, Get Message Count.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Test Cases ***
Send And Receive Returns The Reply
    Connect    ${WS}/echo
    ${reply}=    Send And Receive    ${WS}/echo    {"op": "ping", "n": 1}    $.n    ==    1
    Should Be Equal As Integers    ${reply}    1

Send And Receive Never Returns A Stale Message
    Connect    ${WS}/echo
    Send    ${WS}/echo    {"answer": "stale"}
    Receive    ${WS}/echo    $.answer    ==    stale
    ${fresh}=    Send And Receive    ${WS}/echo    {"answer": "fresh"}    $.answer
    Should Be Equal    ${fresh}    fresh
    Run Keyword And Expect Error    *timed out after 0.3 s waiting for $.answer == 'stale'*
    ...    Send And Receive    ${WS}/echo    {"other": 1}    $.answer    ==    stale    timeout=0.3s

Send And Receive Waits For The Reply That Matches
    Connect    ${WS}/orders
    Send And Receive    ${WS}/orders    {"op": "place", "id": "S-1", "qty": 4}
    ...    $[?(@.id == "S-1")].status    ==    FILLED
    Send And Receive    ${WS}/orders    {"op": "get", "id": "S-1"}    $.qty    ==    4

Send And Receive Opens A URL With No Connection
    ${reply}=    Send And Receive    ${WS}/echo?auto    auto
    Should Be Equal    ${reply}    auto

Receive Until Re-Sends Until The Value Meets The Condition
    Connect    ${WS}/poll
    ${state}=    Receive Until    ${WS}/poll    $.status    ==    done    send={"op": "status"}
    ...    max_iterations=5    interval=1s
    Should Be Equal    ${state}    done
    Receive    ${WS}/poll    $.n    ==    3

Receive Until Fails Listing Each Iteration
    Connect    ${WS}/poll
    ${expected}=    Catenate    SEPARATOR=\n
    ...    Receive Until on '${WS}/poll' gave up after 2 iteration(s) of 1 s waiting for $.status == 'done' (last=1):
    ...    ${SPACE}${SPACE}iteration 1: last value 'pending' ('pending' (str) should be 'done' (str)); newest #1: {"status": "pending", "n": 1}
    ...    ${SPACE}${SPACE}iteration 2: last value 'pending' ('pending' (str) should be 'done' (str)); newest #2: {"status": "pending", "n": 2}
    Run Keyword And Expect Error    EQUALS:${expected}
    ...    Receive Until    ${WS}/poll    $.status    ==    done    send={"op": "status"}
    ...    max_iterations=2    interval=1s

Receive Until Without Send Waits Over Several Intervals
    Connect    ${WS}/push?count=6&interval=100
    ${n}=    Receive Until    ${WS}/push?count=6&interval=100    $.n    ==    6
    ...    max_iterations=20    interval=200ms
    Should Be Equal As Integers    ${n}    6

Should Not Receive Passes When Nothing Matches
    Connect    ${WS}/ticks
    Should Not Receive    ${WS}/ticks    $[?(@.type == "error")]    within=300ms

Should Not Receive Fails As Soon As A Match Arrives
    Connect    ${WS}/ticks
    ${started}=    Get Time    epoch
    Run Keyword And Expect Error
    ...    STARTS:Should Not Receive on '${WS}/ticks': a message matching $[?(@.type == "tick")] arrived after
    ...    Should Not Receive    ${WS}/ticks    $[?(@.type == "tick")]    within=20s
    ${elapsed}=    Evaluate    time.time() - ${started}
    Should Be True    ${elapsed} < 10

Should Not Receive Without Expression Fails On Any Message
    [Documentation]    ``/ticks`` pushes a tick every 50 ms for as long as it is connected, so a
    ...    5 s window certainly holds one.
    Connect    ${WS}/ticks
    Receive    ${WS}/ticks
    Run Keyword And Expect Error    *a message matching any message arrived*"type": "tick"*
    ...    Should Not Receive    ${WS}/ticks    within=5s

Should Not Receive With An Assertion
    [Documentation]    Tick numbers only grow: every tick that arrives after the newest one has
    ...    been read (number N) matches ``$.n``, yet none is numbered N or less; and a tick comes
    ...    every 50 ms, so a 5 s window certainly holds one numbered above N.
    Connect    ${WS}/ticks
    ${n}=    Receive    ${WS}/ticks    $.n
    Should Not Receive    ${WS}/ticks    $.n    <=    ${n}    within=300ms
    Run Keyword And Expect Error
    ...    STARTS:Should Not Receive on '${WS}/ticks': a message matching $.n > ${n} arrived
    ...    Should Not Receive    ${WS}/ticks    $.n    >    ${n}    within=5s

Should Not Receive Ignores Messages From Before It Started
    Connect    ${WS}/echo
    Send And Receive    ${WS}/echo    {"type": "error"}
    Should Not Receive    ${WS}/echo    $[?(@.type == "error")]    within=200ms

Get Message Count Counts Matches And Waits For A Burst
    Connect    ${WS}/script
    Send    ${WS}/script    {"burst": 500}
    ${count}=    Get Message Count    ${WS}/script    $.seq    ==    500    timeout=10s
    Should Be Equal As Integers    ${count}    500
    ${big}=    Get Message Count    ${WS}/script    $[?(@.seq > 250)]
    Should Be Equal As Integers    ${big}    250
    ${all}=    Get Message Count    ${WS}/script
    Should Be Equal As Integers    ${all}    500

Get Message Count Fails With The Count It Saw
    Connect    ${WS}/push?count=2
    Get Message Count    ${WS}/push?count=2    assertion_operator===    expected=2
    ${expected}=    Catenate
    ...    Get Message Count on '${WS}/push?count=2': timed out after 0.3 s:
    ...    the count of $[?(@.type == "tick")] is 2 ('2' (int) should be greater than '5' (int)).
    Run Keyword And Expect Error    EQUALS:${expected}
    ...    Get Message Count    ${WS}/push?count=2    $[?(@.type == "tick")]    >    5    timeout=0.3s
