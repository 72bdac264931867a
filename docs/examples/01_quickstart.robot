*** Settings ***
Documentation       Connect, send, receive, assert: the smallest useful test.
Library             RobotWebSocket    timeout=5s
Suite Teardown      Disconnect All


*** Test Cases ***
Echo A Message
    Connect    ${DEMO}/echo
    Send    ${DEMO}/echo    Hello, WebSocket!
    ${reply}=    Receive    ${DEMO}/echo
    Should Be Equal    ${reply}    Hello, WebSocket!

Echo JSON And Assert On A Field
    Send    ${DEMO}/echo    {"user": "alice", "count": 42, "tags": ["new", "vip"]}
    Receive    ${DEMO}/echo    $.user    ==    alice
    Receive    ${DEMO}/echo    $.count    >=    40
    Receive    ${DEMO}/echo    $.tags    contains    vip

Request And Reply
    ${count}=    Send And Receive    ${DEMO}/echo    {"op": "count", "count": 3}    $.count    ==    3
    Should Be Equal As Integers    ${count}    3
