*** Settings ***
Documentation       Extractions: JSONPath (one message and window), XPath, regex, all=True.
Resource            ../resources/common.resource
Test Setup          Connect    ${WS}/script
Test Teardown       Disconnect All


*** Test Cases ***
JSONPath Reads A Field Of The Newest Message
    Push    {"id": "a", "status": "NEW"}
    ${status}=    Receive    ${WS}/script    $.status
    Should Be Equal    ${status}    NEW

JSONPath With The Prefix And Bracket Notation
    Push    {"x-request-id": "r-1"}
    ${id}=    Receive    ${WS}/script    jsonpath=$['x-request-id']
    Should Be Equal    ${id}    r-1

A Root Filter Selects The Message Itself
    Push    {"type": "tick", "n": 7}
    ${n}=    Receive    ${WS}/script    $[?(@.type == "tick")].n
    Should Be Equal As Integers    ${n}    7

A Root Index Applies To A Message That Is A JSON Array
    Push    [2, "abc", "BootNotification", {"vendor": "acme"}]
    ${action}=    Receive    ${WS}/script    $[2]
    Should Be Equal    ${action}    BootNotification
    ${vendor}=    Receive    ${WS}/script    $[3].vendor
    Should Be Equal    ${vendor}    acme

Over A Window A Filter Picks The Most Recent Matching Message
    Push    {"id": "x", "status": "NEW"}    {"type": "heartbeat"}    {"id": "y", "status": "NEW"}
    ...    {"id": "x", "status": "FILLED"}    {"type": "heartbeat"}
    ${status}=    Receive    ${WS}/script    $[?(@.id == "x")].status    ==    FILLED    last=5
    Should Be Equal    ${status}    FILLED

All Returns Every Match In Arrival Order
    Push    {"id": "x", "status": "NEW"}    {"type": "heartbeat"}    {"id": "x", "status": "FILLED"}
    ${all}=    Receive    ${WS}/script    $[?(@.id == "x")].status    last=3    all=True
    Should Be Equal    ${all}    ${{["NEW", "FILLED"]}}

A Root Index Over A Window Picks From The Window's Array
    Push    {"n": 1}    {"n": 2}    {"n": 3}
    Receive    ${WS}/script    $[0].n    ==    1    last=3

The First Match Within The Newest Matching Message
    Push    {"items": [{"sku": "a"}, {"sku": "b"}]}
    ${sku}=    Receive    ${WS}/script    $.items[*].sku
    Should Be Equal    ${sku}    a
    ${skus}=    Receive    ${WS}/script    $.items[*].sku    all=True
    Should Be Equal    ${skus}    ${{["a", "b"]}}

A Message That Is Not JSON Does Not Match
    Push    {"status": "OLD"}    plain text
    Run Keyword And Expect Error
    ...    *timed out after 0.3 s waiting for $.status.*The expression matched no message.*
    ...    Receive    ${WS}/script    $.status    timeout=0.3s
    ${status}=    Receive    ${WS}/script    $.status    last=2
    Should Be Equal    ${status}    OLD

XPath Over An XML Message
    Connect    ${WS}/xml
    Send    ${WS}/xml    hello
    ${status}=    Receive    ${WS}/xml    /order/@status
    Should Be Equal    ${status}    open
    ${qty}=    Receive    ${WS}/xml    //item[@sku="b"]
    Should Be Equal    ${qty}    3
    Receive    ${WS}/xml    xpath=count(//item)    ==    2
    Receive    ${WS}/xml    xpath=//note/text()    ==    hello
    @{skus}=    Receive    ${WS}/xml    //item/@sku    all=True
    Should Be Equal    ${skus}    ${{["a", "b"]}}

XPath Does Not Match JSON Messages
    Push    {"order": 1}
    Run Keyword And Expect Error    *The expression matched no message.*
    ...    Receive    ${WS}/script    //order    timeout=0.2s

Regex On Text Returns Group One Or The Whole Match
    Push    order 42 placed, code=7731
    ${code}=    Receive    ${WS}/script    regex=code=(\\d+)
    Should Be Equal    ${code}    7731
    ${whole}=    Receive    ${WS}/script    regex=order \\d+
    Should Be Equal    ${whole}    order 42

Regex On A Binary Message Matches Its Bytes
    Send    ${WS}/script    {"send_hex": "00ff414243"}
    ${match}=    Receive    ${WS}/script    regex=ABC
    Should Be Equal    ${match}    ${{b"ABC"}}

A Binary Message Does Not Match JSONPath
    Send    ${WS}/script    {"send_hex": "7b7d"}
    Run Keyword And Expect Error    *matched no message*    Receive    ${WS}/script    $    timeout=0.2s

Malformed Expressions Fail At Once
    Push    {"a": 1}
    Run Keyword And Expect Error    Invalid JSONPath '$[?(@.id ==': *
    ...    Receive    ${WS}/script    $[?(@.id ==    timeout=30s
    Run Keyword And Expect Error    Invalid XPath '//[': *
    ...    Receive    ${WS}/script    //[    timeout=30s
    Run Keyword And Expect Error    Invalid regex 'regex=(': *
    ...    Receive    ${WS}/script    regex=(    timeout=30s
    Run Keyword And Expect Error    Cannot tell what kind of expression 'status' is*
    ...    Receive    ${WS}/script    status    timeout=30s
    Run Keyword And Expect Error    Invalid JSONPath*
    ...    Send And Receive    ${WS}/script    {}    $..[    timeout=30s


*** Keywords ***
Push
    [Documentation]    Has the server send each of ${messages}, then waits until the last is here.
    [Arguments]    @{messages}
    ${count}=    Get Length    ${messages}
    ${before}=    Get Message Count    ${WS}/script
    ${command}=    Evaluate    json.dumps({"send": $messages})
    Send    ${WS}/script    ${command}
    ${total}=    Evaluate    ${before} + ${count}
    Get Message Count    ${WS}/script    assertion_operator=>=    expected=${total}
