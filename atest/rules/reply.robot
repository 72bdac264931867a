*** Settings ***
Documentation       Reply To Messages: replies are sent on the event loop as each message
...                 arrives, while the test sleeps; placeholders, times, JSON replies, rules
...                 set before Connect and kept across Disconnect, and the counters. The
...                 /strict path closes a client with 4000 when a ping of its own stays
...                 unanswered for 0.6 s, and with 4001 on a pong with an id it did not send.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Variables ***
${PONG}             {"type": "pong", "id": "{{$.id}}"}


*** Test Cases ***
Without A Reply Rule The Strict Server Drops The Client
    Connect    ${NOISY}/strict    alias=silent
    ${close}=    Wait Until Closed    silent    timeout=5s
    Should Be Equal As Integers    ${close}[code]    4000
    Should Be Equal    ${close}[reason]    no pong for ping "p-1"

Replies Are Sent While The Test Sleeps
    Reply To Messages    answering    $.type    ==    ping    reply=${PONG}
    Connect    ${NOISY}/strict    alias=answering
    # Idle on purpose: only the rule can answer the pings that arrive every 0.2 s.
    Sleep    2s
    ${info}=    Get Connection Info    answering
    Should Be Equal    ${info}[state]    open
    ${received}=    Messages Received By Server    answering
    Should Be True    len($received) >= 5    only ${received} reached the server
    Should Be Equal    ${received}[0]    ${{{"type": "pong", "id": "p-1"}}}
    Should Be Equal    ${received}[4]    ${{{"type": "pong", "id": "p-5"}}}

A Placeholder Writes A String As Its Text And A Number As JSON
    Reply To Messages    numbers    $.type    ==    ping    reply={"type": "pong", "id": {{$.id}}}
    Connect    ${NOISY}/strict?ids=num    alias=numbers
    # Each reply is sent before the next message is handled: when the third ping is
    # here, the first two pongs have left.
    Get Message Count    numbers    $[?(@.type == "ping")]    >=    3
    ${received}=    Messages Received By Server    numbers
    Should Be Equal    ${received}[0:2]    ${{[{"type": "pong", "id": 1}, {"type": "pong", "id": 2}]}}
    ${info}=    Get Connection Info    numbers
    Should Be Equal    ${info}[state]    open

A Quoted Placeholder Turns A Numeric Id Into A String
    Reply To Messages    quoted    $.type    ==    ping    reply=${PONG}
    Connect    ${NOISY}/strict?ids=num    alias=quoted
    ${close}=    Wait Until Closed    quoted    timeout=5s
    Should Be Equal As Integers    ${close}[code]    4001
    Should Start With    ${close}[reason]    unexpected pong id "1"

A Rule With Times Replies Only That Often
    Connect    ${NOISY}/record    alias=once
    Reply To Messages    once    $.type    ==    ask    reply=answer {{$.n}}    times=1
    Send    once    {"op": "send", "messages": [{"type": "ask", "n": 1}, {"type": "ask", "n": 2}, {"type": "ask", "n": 3}]}
    Get Message Count    once    $[?(@.type == "ask")]    ==    3
    ${received}=    Messages Received By Server    once
    Should Be Equal    ${received}    ${{["answer 1"]}}
    ${info}=    Get Connection Info    once
    Should Be Equal As Integers    ${info}[auto_sent]    1
    # The command, the reply and the report request.
    Should Be Equal As Integers    ${info}[sent]    3

A Message That Is Ignored Is Still Replied To
    # Set in this order on purpose: reply rules act before ignore rules whatever the order.
    Ignore Messages    hidden    $.type    ==    ping
    Reply To Messages    hidden    $.type    ==    ping    reply=${PONG}
    Connect    ${NOISY}/strict    alias=hidden
    # Idle on purpose: the pings never reach the history, yet each must be answered.
    Sleep    1.5s
    ${info}=    Get Connection Info    hidden
    Should Be Equal    ${info}[state]    open
    Should Be True    $info["ignored"] >= 5    ${info}
    Should Be True    $info["auto_sent"] >= 5    ${info}
    ${count}=    Get Message Count    hidden
    Should Be Equal As Integers    ${count}    0
    ${received}=    Messages Received By Server    hidden
    Should Be Equal    ${received}[0]    ${{{"type": "pong", "id": "p-1"}}}

A Dictionary Or List Reply Is Sent As JSON
    Connect    ${NOISY}/record    alias=json
    &{ack}=    Create Dictionary    type=ack    ok=${True}
    Reply To Messages    json    $.type    ==    order    reply=${ack}
    Reply To Messages    json    $.type    ==    batch    reply=${{["ack", 2]}}
    Send    json    {"op": "send", "messages": [{"type": "order"}, {"type": "batch"}]}
    Get Message Count    json    ==    2
    ${received}=    Messages Received By Server    json
    Should Be Equal    ${received}    ${{[{"type": "ack", "ok": True}, ["ack", 2]]}}

A Placeholder That Finds Nothing Sends Nothing
    [Documentation]    Logs an intended [ WARN ]: the reply's placeholder found nothing.
    Connect    ${NOISY}/record    alias=nothing
    Reply To Messages    nothing    $.type    ==    ask    reply={"answer": "{{$.missing}}"}
    Send    nothing    {"op": "send", "messages": [{"type": "ask"}]}
    Receive    nothing    $.type    ==    ask
    ${info}=    Get Connection Info    nothing
    Should Be Equal As Integers    ${info}[auto_sent]    0
    ${received}=    Messages Received By Server    nothing
    Should Be Empty    ${received}

Rules Set Before Connect Catch The Greeting Sent At Open
    Ignore Messages    ${NOISY}/greet    $.type    ==    heartbeat
    Reply To Messages    ${NOISY}/greet    $.type    ==    welcome    reply={"type": "hello", "id": "{{$.id}}"}
    Connect    ${NOISY}/greet
    Receive    ${NOISY}/greet    $.type    ==    welcome
    ${window}=    Receive    ${NOISY}/greet    last=10
    Should Be Equal    ${window}    ${{['{"type": "welcome", "id": "w-1"}']}}
    ${received}=    Messages Received By Server    ${NOISY}/greet
    Should Be Equal    ${received}    ${{[{"type": "hello", "id": "w-1"}]}}
    ${info}=    Get Connection Info    ${NOISY}/greet
    Should Be Equal As Integers    ${info}[ignored]    1
    Should Be Equal As Integers    ${info}[auto_sent]    1

Rules Stay Through Disconnect And Apply To The Next Connect Of The Name
    Ignore Messages    again    $.type    ==    heartbeat
    Reply To Messages    again    $.type    ==    welcome    reply=hello again
    Connect    ${NOISY}/greet    alias=again
    Receive    again    $.type    ==    welcome
    Disconnect    again
    Connect    ${NOISY}/greet    alias=again
    # The server answers with what this second connection has received.
    Receive Until    again    $.count    ==    1    send={"op": "report"}    max_iterations=10    interval=0.3s
    ${received}=    Receive    again    $.messages
    Should Be Equal    ${received}    ${{["hello again"]}}
    ${window}=    Receive    again    last=10
    Should Not Contain Match    ${window}    *heartbeat*
    ${info}=    Get Connection Info    again
    Should Be Equal As Integers    ${info}[auto_sent]    1

A Reply Written Without Its Name Fails Saying So
    Run Keyword And Expect Error    Reply To Messages takes reply, binary and times by name: write reply={"type": "pong"}*
    ...    Reply To Messages    ${WS}/echo    $.type    ==    ping    {"type": "pong"}


*** Keywords ***
Messages Received By Server
    [Documentation]    Returns what the server recorded on ${connection}, in arrival order
    ...    (JSON parsed, other text as it came), leaving out its own commands.
    [Arguments]    ${connection}
    ${messages}=    Send And Receive    ${connection}    {"op": "report"}    $.messages
    RETURN    ${messages}
