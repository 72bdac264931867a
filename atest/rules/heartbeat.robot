*** Settings ***
Documentation       Start Heartbeat sends a message every interval, the first one an interval
...                 after the keyword, whatever the test is doing; Remove Message Rules stops
...                 it and returns how many rules it removed.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Test Cases ***
Heartbeats Reach The Server Every Interval While The Test Sleeps
    Connect    ${NOISY}/record    alias=beating
    ${started}=    Evaluate    time.time()
    ${rule}=    Start Heartbeat    beating    {"op": "keepalive"}    interval=300ms
    # Idle on purpose: the heartbeats are sent while no keyword runs.
    Sleep    1.45s
    ${removed}=    Remove Message Rules    beating    ${rule}
    Should Be Equal As Integers    ${removed}    1
    ${info}=    Get Connection Info    beating
    ${beats}=    Set Variable    ${info}[auto_sent]
    Should Be True    3 <= $beats <= 5    ${beats} heartbeats in 1.45 s at 300 ms
    Should Be Equal As Integers    ${info}[sent]    ${beats}
    # Idle again: no heartbeat may follow the removal.
    Sleep    0.9s
    Server Should Have Received Heartbeats    beating    ${beats}    {"op": "keepalive"}
    ...    interval=0.3    since=${started}
    ${info}=    Get Connection Info    beating
    Should Be Equal As Integers    ${info}[auto_sent]    ${beats}

A Binary Heartbeat Is Sent As A Binary Frame
    Connect    ${NOISY}/record    alias=binary
    Start Heartbeat    binary    keepalive    interval=200ms    binary=True
    Receive Until    binary    $.count    >=    2    send={"op": "report"}    max_iterations=10    interval=0.3s
    ${received}=    Receive    binary    $.messages
    Should Be Equal    ${received}[0]    ${{{"binary": b"keepalive".hex()}}}

Remove Message Rules Removes Every Rule Of The Connection And Returns How Many
    Ignore Messages    many    $.type    ==    heartbeat
    Reply To Messages    many    $.type    ==    data    reply=thanks
    Connect    ${NOISY}/noisy?count=1&beat=50    alias=many
    Start Heartbeat    many    {"op": "keepalive"}    interval=10s
    Receive    many    $.type    ==    done
    ${removed}=    Remove Message Rules    many
    Should Be Equal As Integers    ${removed}    3
    ${removed}=    Remove Message Rules    many
    Should Be Equal As Integers    ${removed}    0
    # The server sends a heartbeat every 50 ms; without the rule they reach the history.
    Receive    many    $.type    ==    heartbeat

Remove Message Rules Removes One Rule By Its Id
    ${heartbeats}=    Ignore Messages    picky    $.type    ==    heartbeat
    ${data}=    Ignore Messages    picky    $.type    ==    data
    Should Not Be Equal    ${heartbeats}    ${data}
    Connect    ${NOISY}/noisy?count=3&beat=50    alias=picky
    Receive    picky    $.type    ==    done
    ${count}=    Get Message Count    picky
    Should Be Equal As Integers    ${count}    1
    ${removed}=    Remove Message Rules    picky    ${heartbeats}
    Should Be Equal As Integers    ${removed}    1
    Receive    picky    $.type    ==    heartbeat
    # The other rule still holds.
    Send    picky    {"op": "send", "messages": [{"type": "data", "n": 9}, {"type": "end"}]}
    # A heartbeat (every 50 ms) may follow "end" before the wait starts.
    Receive    picky    $.type    ==    end    last=20
    ${count}=    Get Message Count    picky    $[?(@.type == "data")]
    Should Be Equal As Integers    ${count}    0


*** Keywords ***
Server Should Have Received Heartbeats
    [Documentation]    Fails unless the server recorded exactly ${count} messages on
    ...    ${connection}, each equal to the JSON ${message}, the first one ${interval} s after
    ...    ${since} (epoch seconds) and each next one ${interval} s after the one before.
    [Arguments]    ${connection}    ${count}    ${message}    ${interval}    ${since}
    ${received}=    Messages Received By Server    ${connection}
    Length Should Be    ${received}    ${count}
    ${expected}=    Evaluate    json.loads($message)
    FOR    ${item}    IN    @{received}
        Should Be Equal    ${item}    ${expected}
    END
    ${times}=    Send And Receive    ${connection}    {"op": "report"}    $.times
    ${gaps}=    Evaluate    [round(b - a, 3) for a, b in zip([float($since), *$times], $times)]
    # Scheduling on a busy machine delays a heartbeat a little; sending one early, or at
    # once after the keyword, is what must fail.
    FOR    ${gap}    IN    @{gaps}
        Should Be True    0.8 * float($interval) <= $gap <= 2 * float($interval)
        ...    heartbeats arrived ${gaps} s apart
    END

Messages Received By Server
    [Documentation]    Returns what the server recorded on ${connection}, in arrival order
    ...    (JSON parsed, other text as it came), leaving out its own commands.
    [Arguments]    ${connection}
    ${messages}=    Send And Receive    ${connection}    {"op": "report"}    $.messages
    RETURN    ${messages}
