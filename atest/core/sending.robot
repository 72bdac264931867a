*** Settings ***
Documentation       Send: text, JSON, binary, auto-connect, and its errors.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Test Cases ***
Text Is Sent As A Text Frame
    Connect    ${WS}/echo
    Send    ${WS}/echo    héllo wörld
    ${reply}=    Receive    ${WS}/echo
    Should Be Equal    ${reply}    héllo wörld
    Should Be True    isinstance($reply, str)

A Dictionary Is Sent As JSON
    Connect    ${WS}/echo
    &{order}=    Create Dictionary    op=place    qty=${3}
    Send    ${WS}/echo    ${order}
    ${reply}=    Receive    ${WS}/echo
    ${parsed}=    Evaluate    json.loads($reply)
    Should Be Equal    ${parsed}    ${{{"op": "place", "qty": 3}}}

A List Is Sent As JSON
    Connect    ${WS}/echo
    @{items}=    Create List    a    ${1}    ${True}
    Send    ${WS}/echo    ${items}
    Receive    ${WS}/echo    $[2]    ==    true

Bytes Are Sent As A Binary Frame
    Connect    ${WS}/echo
    ${bytes}=    Convert To Bytes    01 02 ff    hex
    Send    ${WS}/echo    ${bytes}
    ${reply}=    Receive    ${WS}/echo
    Should Be Equal    ${reply}    ${bytes}
    Should Be True    isinstance($reply, bytes)

Binary True Sends A String As UTF-8 Bytes
    Connect    ${WS}/echo
    Send    ${WS}/echo    ä    binary=True
    ${reply}=    Receive    ${WS}/echo
    Should Be Equal    ${reply}    ${{"ä".encode()}}

Send To A URL With No Connection Opens One With The Headers
    &{headers}=    Create Dictionary    X-Auto=yes
    Send    ${WS}/headers    hello    headers=${headers}
    Receive    ${WS}/headers    $['X-Auto']    ==    yes
    ${info}=    Get Connection Info    ${WS}/headers
    Should Be Equal    ${info}[state]    open

Send After Disconnect Opens The Connection Again
    Send    ${WS}/echo    one
    Disconnect    ${WS}/echo
    ${reply}=    Send And Receive    ${WS}/echo    two
    Should Be Equal    ${reply}    two

Headers On An Open Connection Are Not Applied
    [Documentation]    Logs an intended [ WARN ]: the headers cannot be applied.
    ...    ``/headers`` sends the upgrade request's headers once per connection, so a
    ...    second headers message would mean that Send opened a new connection with them. The
    ...    warning in the log is checked by utest/test_robot_runs.py, which reads output.xml.
    Connect    ${WS}/headers
    Receive    ${WS}/headers    $.Host
    &{headers}=    Create Dictionary    X-Late=yes
    Send    ${WS}/headers    hi    headers=${headers}
    Should Not Receive    ${WS}/headers    within=300ms
    Get Message Count    ${WS}/headers    assertion_operator===    expected=1
    Get Message Count    ${WS}/headers    $['X-Late']    ==    0
    ${info}=    Get Connection Info    ${WS}/headers
    Should Be Equal    ${info}[state]    open
    Should Be Equal As Integers    ${info}[sent]    1

A Message That Cannot Be Sent Fails
    Connect    ${WS}/echo
    Run Keyword And Expect Error
    ...    Message of type NoneType cannot be sent: give a string, bytes, a dictionary or a list.
    ...    Send    ${WS}/echo    ${None}

Send Waits For The Socket No Longer Than Its Timeout
    Connect    ${WS}/script    compression=False
    Send    ${WS}/script    {"stop_reading": true}
    ${chunk}=    Evaluate    "x" * 1000000
    Run Keyword And Expect Error    Sending on '${WS}/script' timed out after 0.5 s*
    ...    Repeat Send    ${WS}/script    ${chunk}    200    0.5s


*** Keywords ***
Repeat Send
    [Documentation]    Sends ${message} ${times} times, each send limited by ${timeout}.
    [Arguments]    ${connection}    ${message}    ${times}    ${timeout}
    FOR    ${_}    IN RANGE    ${times}
        Send    ${connection}    ${message}    timeout=${timeout}
    END
