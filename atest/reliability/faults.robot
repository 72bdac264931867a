*** Settings ***
Documentation       Faults: a killed server, a server that never answers the close, backpressure.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Test Cases ***
A Killed Server Leaves The History Readable And Reports 1006
    ${victim}=    Start Victim Server
    Connect    ${victim}/script
    Send    ${victim}/script    {"send": ["before the crash", {"n": 2}]}
    Get Message Count    ${victim}/script    assertion_operator===    expected=2
    Kill Victim Server
    ${close}=    Wait Until Closed    ${victim}/script    timeout=10s
    Should Be Equal As Integers    ${close}[code]    1006
    ${messages}=    Receive    ${victim}/script    last=2
    Should Be Equal    ${messages}[0]    before the crash
    Receive    ${victim}/script    $.n    ==    2
    Run Keyword And Expect Error    Cannot send on '${victim}/script': the connection is closed (close code 1006*
    ...    Send    ${victim}/script    after the crash
    ${victim}=    Start Victim Server
    Connect    ${victim}/script
    ${reply}=    Send And Receive    ${victim}/echo    back again
    Should Be Equal    ${reply}    back again
    [Teardown]    Run Keywords    Disconnect All    AND    Kill Victim Server

A Server That Never Answers The Close Handshake Does Not Hang Disconnect
    Connect    ${MUTE}/x    ping_interval=0
    Receive    ${MUTE}/x    regex=.+    ==    hello
    ${started}=    Get Time    epoch
    Disconnect    ${MUTE}/x    timeout=1s
    ${elapsed}=    Evaluate    time.time() - ${started}
    Should Be True    ${elapsed} < 10    Disconnect took ${elapsed} s
    ${info}=    Get Connection Info    ${MUTE}/x
    Should Be Equal    ${info}[state]    closed

A Server That Never Completes The Upgrade Is Bounded By The Connect Timeout
    Run Keyword And Expect Error    Connecting to ${HANG}/never timed out after 0.5 s.
    ...    Connect    ${HANG}/never    timeout=0.5s

A Receive Waiting On A Connection That Drops Fails At Once
    Connect    ${WS}/script
    ${started}=    Get Time    epoch
    Run Keyword And Expect Error    *the connection closed (close code 1006*
    ...    Send And Receive    ${WS}/script    {"drop": true}    $.never    timeout=60s
    ${elapsed}=    Evaluate    time.time() - ${started}
    Should Be True    ${elapsed} < 10

A Server That Stops Reading Makes Send Fail At Its Timeout
    Connect    ${WS}/script    compression=False
    Send    ${WS}/script    {"stop_reading": true}
    ${chunk}=    Evaluate    "y" * 1000000
    Run Keyword And Expect Error    Sending on '${WS}/script' timed out after 0.5 s: the server is not reading (TCP backpressure).
    ...    Send Many    ${WS}/script    ${chunk}    200
    # The command, and every chunk before the one that timed out, were written and counted;
    # that one was not.
    ${info}=    Get Connection Info    ${WS}/script
    Should Be Equal As Integers    ${info}[sent]    ${ATTEMPTS}


*** Keywords ***
Send Many
    [Documentation]    Sends ${message} ${times} times, each with a 0.5 s limit.
    [Arguments]    ${connection}    ${message}    ${times}
    Set Test Variable    ${ATTEMPTS}    ${0}    # robocop: off=VAR06
    FOR    ${_}    IN RANGE    ${times}
        Set Test Variable    ${ATTEMPTS}    ${ATTEMPTS + 1}    # robocop: off=VAR06
        Send    ${connection}    ${message}    timeout=0.5s
    END
