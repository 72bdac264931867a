*** Settings ***
Documentation       Wait for one order's status while heartbeats and other orders stream in.
...                 The JSONPath filter picks that order's messages out of the last 50.
Library             RobotWebSocket    timeout=10s
Suite Teardown      Disconnect All


*** Variables ***
${ORDER_ID}     order-1


*** Test Cases ***
Order Is Filled
    Connect    ${DEMO}/orders?userId=1
    Send    ${DEMO}/orders?userId=1    {"op": "place", "id": "${ORDER_ID}", "qty": 3}
    Receive    ${DEMO}/orders?userId=1    $[?(@.id == "${ORDER_ID}")].status
    ...    ==    FILLED    last=50
    ${history}=    Receive    ${DEMO}/orders?userId=1    $[?(@.id == "${ORDER_ID}")].status
    ...    last=50    all=True
    Should Be Equal    ${history}    ${{["NEW", "PARTIAL", "FILLED"]}}
    Send And Receive    ${DEMO}/orders?userId=1    {"op": "get", "id": "${ORDER_ID}"}
    ...    $.qty    ==    3
    Should Not Receive    ${DEMO}/orders?userId=1    $[?(@.type == "error")]    within=500ms
