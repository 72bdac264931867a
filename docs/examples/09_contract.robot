*** Settings ***
Documentation       Contract testing with an AsyncAPI document: every message is checked against
...                 ``orders.asyncapi.yml``, ``Request`` finds the correlation id where the
...                 document says, and the coverage tells which operations the tests exercised.
...                 The server (``servers/orders_server.py``) has one bug: it answers an order
...                 of 13 with the order number as text.
Library             RobotWebSocket    timeout=5s
Resource            servers.resource
Suite Setup         Start Order Desk
Suite Teardown      Stop Order Desk


*** Variables ***
${DOCUMENT}         ${CURDIR}/orders.asyncapi.yml


*** Test Cases ***
Place An Order
    [Documentation]    ``Request`` sets a fresh ``reqid`` (the document's correlationId) and
    ...    waits for the reply carrying it; both are checked against the document.
    Connect    ${ORDERS}    asyncapi=${DOCUMENT}
    Request    ${ORDERS}    {"op": "place", "reqid": 0, "qty": 3}    $.status    ==    accepted
    Receive    ${ORDERS}    $.event    ==    filled
    ${checked}    Validate Messages    ${ORDERS}
    Should Be Equal As Integers    ${checked}    3
    ${coverage}    Get Contract Coverage    ${ORDERS}
    Should Not Contain    ${coverage}[uncovered]    placeOrder
    Should Contain    ${coverage}[uncovered]    cancelOrder
    [Teardown]    Disconnect    ${ORDERS}

A Message The Document Does Not Allow Is Not Sent
    [Documentation]    A quantity of 0 breaks the ``place`` schema: ``Send`` fails before
    ...    sending. ``raw=True`` sends it anyway, to see how the server takes bad input.
    Connect    ${ORDERS}    asyncapi=${DOCUMENT}
    Run Keyword And Expect Error    *breaks the AsyncAPI contract*closest place: /qty: 0 is less than the minimum of 1
    ...    Send    ${ORDERS}    {"op": "place", "reqid": 1, "qty": 0}
    Send    ${ORDERS}    {"op": "place", "reqid": 1, "qty": 0}    raw=True
    [Teardown]    Disconnect    ${ORDERS}

The Server's Bug Breaks The Contract
    [Documentation]    The reply to an order of 13 has its number as text: the keyword that waits
    ...    for it fails with the message's number, the closest definition and the error.
    Connect    ${ORDERS}    asyncapi=${DOCUMENT}
    Run Keyword And Expect Error    *breaks the AsyncAPI contract*\n#1 received: closest status: /order: '*' is not of type 'integer'
    ...    Request    ${ORDERS}    {"op": "place", "reqid": 0, "qty": 13}
    [Teardown]    Disconnect    ${ORDERS}


*** Keywords ***
Start Order Desk
    [Documentation]    Starts ``servers/orders_server.py``; its URL is ``${ORDERS}``.
    ${url}    Start Example Server    orders    orders_server.py
    VAR    ${ORDERS}    ${url}/orders    scope=SUITE    # robocop: off=VAR05

Stop Order Desk
    [Documentation]    Closes the connections, then stops the server.
    Disconnect All
    Stop Example Server    orders
