*** Settings ***
Documentation       Send Ping: a WebSocket ping frame and the round-trip time of its pong.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Test Cases ***
Send Ping Returns The Round-Trip Time
    Connect    ${NOISY}/echo    alias=pinged
    ${rtt}=    Send Ping    pinged    timeout=2s
    Should Be True    isinstance($rtt, float) and 0 < $rtt < 2    round trip: ${rtt}
    ${rtt}=    Send Ping    pinged    payload=are you there
    Should Be True    0 < $rtt < 3    round trip: ${rtt}
    # A pong is a control frame: it never enters the history.
    ${count}=    Get Message Count    pinged
    Should Be Equal As Integers    ${count}    0

A Ping That Gets No Pong Times Out
    Connect    ${NOISY}/deaf?for=2000    alias=deaf
    Run Keyword And Expect Error    *timed out*    Send Ping    deaf    timeout=0.5s

Send Ping On A Connection Closed By The Test Fails
    Connect    ${NOISY}/echo    alias=closed
    Disconnect    closed
    Run Keyword And Expect Error    *close*    Send Ping    closed

Send Ping On A Connection The Server Closed Fails With The Close Code
    Connect    ${NOISY}/strict    alias=dropped
    Wait Until Closed    dropped    timeout=5s
    Run Keyword And Expect Error    *4000*    Send Ping    dropped
