*** Settings ***
Documentation       Bad input gets a clear error naming the argument. Each test is a row of the
...                 table in docs/reliability.md.
Resource            ../resources/common.resource
Test Setup          Connect    ${WS}/echo
Test Teardown       Run Keywords    Disconnect All    AND    No Connection Left Open


*** Test Cases ***
Malformed URL
    Run Keyword And Expect Error    Invalid URL 'ws://127.0.0.1:notaport/x': *    Connect    ws://127.0.0.1:notaport/x

Unsupported Scheme
    Run Keyword And Expect Error    Invalid URL 'ftp://host/x': the scheme must be ws:// or wss://, not ftp://.
    ...    Connect    ftp://host/x

Header Value With CR LF
    Run Keyword And Expect Error    Header 'X-Evil' has a line break in its value, which could inject headers.
    ...    Connect    ${WS}/never-opened    headers={"X-Evil": "a\\r\\nInjected: yes"}

Header Name That Is Not A Token
    Run Keyword And Expect Error    Invalid header name 'Bad Name' in 'headers'.
    ...    Connect    ${WS}/never-opened    headers={"Bad Name": "x"}

Header Value Of The Wrong Type
    Run Keyword And Expect Error    Header 'X-List' must have a string value, got list.
    ...    Connect    ${WS}/never-opened    headers={"X-List": ["a"]}

Headers That Are Not A Dictionary
    Run Keyword And Expect Error    *'headers'*    Connect    ${WS}/never-opened    headers=not a dict

Invalid Subprotocol Name
    Run Keyword And Expect Error    Invalid subprotocol name 'bad name' in 'subprotocols'.
    ...    Connect    ${WS}/never-opened    subprotocols=${{["bad name"]}}

Negative Timeout
    Run Keyword And Expect Error    Argument 'timeout' must not be negative*    Receive    ${WS}/echo    timeout=-1s

Non-Numeric Timeout
    Run Keyword And Expect Error    *'timeout' got value 'soon'*    Receive    ${WS}/echo    timeout=soon

Last Of Zero
    Run Keyword And Expect Error    Argument 'last' must be a positive number, got 0.    Receive    ${WS}/echo    last=0

Negative Last
    Run Keyword And Expect Error    Argument 'last' must be a positive number, got -5.    Receive    ${WS}/echo    last=-5

Unknown Assertion Operator
    Run Keyword And Expect Error    Unknown assertion operator 'is about'. Use one of:*
    ...    Receive    ${WS}/echo    $.a    is about    1

Malformed JSONPath
    Run Keyword And Expect Error    Invalid JSONPath '$.a[': *    Receive    ${WS}/echo    $.a[

Malformed XPath
    Run Keyword And Expect Error    Invalid XPath '//a[@': *    Receive    ${WS}/echo    //a[@

Malformed Regex
    Run Keyword And Expect Error    Invalid regex 'regex=[a-': *    Receive    ${WS}/echo    regex=[a-

Schema File That Does Not Exist
    Run Keyword And Expect Error    Schema file '/no/schema.json' does not exist.
    ...    Should Be Valid Json    {}    schema=/no/schema.json

Schema That Is Not A JSON Schema
    Run Keyword And Expect Error    Schema is not a valid JSON Schema: *    Should Be Valid Json    {}    schema={"minimum": "x"}

XSD That Is Not An XSD
    Run Keyword And Expect Error    Schema '${CURDIR}/../resources/schemas/order.schema.json' is not a valid XSD: *
    ...    Should Be Valid Xml    <a/>    schema=${CURDIR}/../resources/schemas/order.schema.json

Expected That Cannot Be Read As The Value's Type
    Send    ${WS}/echo    {"count": 42}
    Run Keyword And Expect Error    *'42' (int) should be 'forty-two' (str)*
    ...    Receive    ${WS}/echo    $.count    ==    forty-two    timeout=0.2s

A Message Of A Type That Cannot Be Sent
    Run Keyword And Expect Error    Message of type NoneType cannot be sent*    Send    ${WS}/echo    ${None}

Close Code That Cannot Be Sent
    Run Keyword And Expect Error    Close code 999 cannot be sent*    Disconnect    ${WS}/echo    code=999

Max Size That Is Not Positive
    Run Keyword And Expect Error    Argument 'max_size' must be a positive number, got 0.    Connect    ${WS}/never-opened    max_size=0

Proxy That Is Not An HTTP URL
    Run Keyword And Expect Error    Argument 'proxy' must be an http:// or https:// URL, got 'socks://x'.
    ...    Connect    ${WS}/never-opened    proxy=socks://x


*** Keywords ***
No Connection Left Open
    [Documentation]    After a failure, nothing stays open: the test connection was closed
    ...    by the teardown, and the bad Connect never registered one.
    ${info}=    Get Connection Info    ${WS}/echo
    Should Be Equal    ${info}[state]    closed
    Run Keyword And Expect Error    No connection named '${WS}/never-opened'*    Get Connection Info    ${WS}/never-opened
