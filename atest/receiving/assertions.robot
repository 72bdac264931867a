*** Settings ***
Documentation       Assertions with AssertionEngine operators, typed expected values, and waiting.
Resource            ../resources/common.resource
Test Setup          Connect    ${WS}/script
Test Teardown       Disconnect All


*** Test Cases ***
Typed Expected Values Are Read As JSON
    Push    {"count": 42, "ok": true, "none": null, "price": 9.5, "tags": ["new", "hot"], "meta": {"a": 1}}
    Receive    ${WS}/script    $.count    ==    42
    Receive    ${WS}/script    $.ok    ==    true
    Receive    ${WS}/script    $.none    ==    null
    Receive    ${WS}/script    $.price    >    9
    Receive    ${WS}/script    $.tags    ==    ["new", "hot"]
    Receive    ${WS}/script    $.tags    contains    new
    Receive    ${WS}/script    $.tags    not contains    old
    Receive    ${WS}/script    $.meta    ==    {"a": 1}

Strings Are Compared As Strings
    Push    {"status": "42", "name": "Robot Framework"}
    Receive    ${WS}/script    $.status    ==    42
    Receive    ${WS}/script    $.name    starts    Robot
    Receive    ${WS}/script    $.name    ends    Framework
    Receive    ${WS}/script    $.name    contains    Frame
    Receive    ${WS}/script    $.name    matches    ^Rob.t
    Receive    ${WS}/script    $.name    !=    Selenium
    Receive    ${WS}/script    $.name    should be    Robot Framework

Numeric Operators
    Push    {"n": 5}
    Receive    ${WS}/script    $.n    <    6
    Receive    ${WS}/script    $.n    <=    5
    Receive    ${WS}/script    $.n    >=    5
    Receive    ${WS}/script    $.n    greater than    4

Validate And Then Take Expressions
    Push    {"n": 5}
    Receive    ${WS}/script    $.n    validate    value % 5 == 0
    ${double}=    Receive    ${WS}/script    $.n    then    value * 2
    Should Be Equal As Integers    ${double}    10

An Unknown Operator Fails Clearly
    Push    {"n": 5}
    Run Keyword And Expect Error    Unknown assertion operator '~~'. Use one of: ==, !=, <, >, <=, >=*
    ...    Receive    ${WS}/script    $.n    ~~    5

A Failed Assertion Says What Was Expected, How Long It Waited And What Arrived
    Push    {"id": "x", "status": "NEW"}
    ${expected}=    Catenate    SEPARATOR=\n
    ...    Receive on '${WS}/script': timed out after 0.3 s waiting for $.status == 'FILLED'.
    ...    Last value: 'NEW' ('NEW' (str) should be 'FILLED' (str)).
    ...    Messages examined (1, newest last):
    ...    ${SPACE}${SPACE}\#1: {"id": "x", "status": "NEW"}
    Run Keyword And Expect Error    EQUALS:${expected}
    ...    Receive    ${WS}/script    $.status    ==    FILLED    timeout=0.3s

A Custom Message Replaces The Failure Message
    Push    {"status": "NEW"}
    Run Keyword And Expect Error    Order was NEW, not FILLED
    ...    Receive    ${WS}/script    $.status    ==    FILLED    timeout=0.2s
    ...    message=Order was {value}, not {expected}

Receive Waits Until The Assertion Holds
    Send    ${WS}/script    {"send": [{"status": "NEW"}]}
    Connect    ${WS}/orders
    Send    ${WS}/orders    {"op": "place", "id": "w-1", "qty": 2}
    ${status}=    Receive    ${WS}/orders    $[?(@.id == "w-1")].status    ==    FILLED    last=50
    Should Be Equal    ${status}    FILLED

A Status Followed At Once By A Heartbeat Is Not Missed With Last 1
    [Documentation]    The four messages arrive together while Receive waits; each is judged.
    Send    ${WS}/script
    ...    {"delay": 1000, "send": [{"type": "hb"}, {"id": "q", "status": "FILLED"}, {"type": "hb"}, {"type": "hb"}]}
    ${status}=    Receive    ${WS}/script    $.status    ==    FILLED
    Should Be Equal    ${status}    FILLED

Waiting For One Order While Heartbeats And Other Orders Stream In
    Connect    ${WS}/orders
    Send    ${WS}/orders    {"op": "place", "id": "A-7", "qty": 3}
    Send    ${WS}/orders    {"op": "place", "id": "B-9", "qty": 1}
    ${status}=    Receive    ${WS}/orders    $[?(@.id == "A-7")].status    ==    FILLED    last=50    timeout=5s
    Should Be Equal    ${status}    FILLED
    Receive    ${WS}/orders    $[?(@.id == "A-7" & @.status == "FILLED")].qty    ==    3    last=50
    ${statuses}=    Receive    ${WS}/orders    $[?(@.id == "A-7")].status    last=50    all=True
    Should Be Equal    ${statuses}    ${{["NEW", "PARTIAL", "FILLED"]}}

Formatters Normalize The Value And The Expected Value
    Push    {"status": "${SPACE}${SPACE}Filled${SPACE}${SPACE}Now${SPACE}"}
    Run Keyword And Expect Error    *should be*    Receive    ${WS}/script    $.status    ==    filled now    timeout=0.2s
    ${previous}=    Set Assertion Formatters
    ...    {"Receive": ["strip", "normalize spaces", "case insensitive", "apply to expected"]}
    Should Be Empty    ${previous}
    ${status}=    Receive    ${WS}/script    $.status    ==    FILLED NOW
    Should Be Equal    ${status}    filled now
    ${previous}=    Set Assertion Formatters    {"Receive": []}
    Should Be Equal    ${previous}    ${{{"Receive": ["strip", "normalize spaces", "case insensitive", "apply to expected"]}}}
    Run Keyword And Expect Error    *should be*    Receive    ${WS}/script    $.status    ==    filled now    timeout=0.2s

Unknown Formatters And Keywords Fail Clearly
    Run Keyword And Expect Error    Unknown assertion formatter 'shout'*    Set Assertion Formatters    {"Receive": ["shout"]}
    Run Keyword And Expect Error    Formatters cannot be set for 'Connect'*    Set Assertion Formatters    {"Connect": ["strip"]}

A Closed Connection Fails At Once Instead Of Waiting
    Send    ${WS}/script    {"send": ["last words"], "close": 4002, "reason": "going"}
    Wait Until Closed    ${WS}/script
    Run Keyword And Expect Error
    ...    Receive on '${WS}/script': the connection closed (close code 4002, reason 'going') after *
    ...    Receive    ${WS}/script    $.never    timeout=30s

An Operator In The Expression Slot Compares The Message Itself
    Push    {"n": 5}
    Receive    ${WS}/script    ==    {"n": 5}
    ${count}=    Get Message Count    ${WS}/script    >=    1
    Should Be True    ${count} >= 1
    Run Keyword And Expect Error    *timed out after 0.3 s waiting for any message == 'nope'*
    ...    Receive    ${WS}/script    ==    nope    timeout=0.3s

Numbers Written As Text Are Compared As Numbers
    [Documentation]    '99' > 100 once passed, compared as text.
    Push    {"price": "99"}
    Receive    ${WS}/script    $.price    <    100
    Receive    ${WS}/script    $.price    >=    ${99}
    Run Keyword And Expect Error
    ...    *Last value: '99' ('99' (str) should be greater than '100' (str); '99' and '100' read as numbers).*
    ...    Receive    ${WS}/script    $.price    >    100    timeout=0.2s

Text Is Never Ordered Against A Number
    Push    {"status": "FILLED"}
    Run Keyword And Expect Error    *Last value: 'FILLED' ('FILLED' is text, 5 is a number).*
    ...    Receive    ${WS}/script    $.status    >    5    timeout=0.2s

A Value That Cannot Be Compared Fails With Its Reason
    Push    {"n": null, "m": 42}
    Run Keyword And Expect Error    *($.n is null, cannot be compared with > 5).*
    ...    Receive    ${WS}/script    $.n    >    5    timeout=0.2s
    Run Keyword And Expect Error    *($.m is a number: contains needs text, a list or an object).*
    ...    Receive    ${WS}/script    $.m    contains    4    timeout=0.2s
    Run Keyword And Expect Error    Expected value * of 'matches' is not a valid regular expression: *
    ...    Receive    ${WS}/script    $.m    matches    (unclosed
    # A null that arrives while Should Not Receive watches does not match, nor raise.
    Send    ${WS}/script    {"delay": 100, "send": [{"n": null}]}
    Should Not Receive    ${WS}/script    $.n    >    5    within=0.5s

Robot's True, False And None Read As JSON true, false And null
    Push    {"ok": true, "off": false, "none": null}
    Receive    ${WS}/script    $.ok    ==    True
    Receive    ${WS}/script    $.off    ==    FALSE
    Receive    ${WS}/script    $.none    ==    None
    Run Keyword And Expect Error    *('True' (bool) should be 'False' (bool)).*
    ...    Receive    ${WS}/script    $.ok    ==    False    timeout=0.2s

Message Rules Refuse Validate And Then
    Run Keyword And Expect Error    'validate' cannot be used in message rules: *
    ...    Ignore Messages    ${WS}/script    $.n    validate    value > 1
    Run Keyword And Expect Error    'then' cannot be used in message rules: *
    ...    Reply To Messages    ${WS}/script    $.n    then    value    reply=x


*** Keywords ***
Push
    [Documentation]    Has the server send each of ${messages}, then waits until the last is here.
    [Arguments]    @{messages}
    ${command}=    Evaluate    json.dumps({"send": $messages})
    Send    ${WS}/script    ${command}
    ${count}=    Get Length    ${messages}
    Get Message Count    ${WS}/script    assertion_operator=>=    expected=${count}
