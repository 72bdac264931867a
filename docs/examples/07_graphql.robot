*** Settings ***
Documentation       GraphQL over WebSocket: ``Connect`` with ``protocol=graphql-transport-ws`` sends
...                 ``connection_init`` and returns at ``connection_ack``; tests send and receive
...                 the protocol's JSON messages. The server (``servers/graphql_server.py``)
...                 wants a token in ``connection_init`` and pings every second.
Library             OperatingSystem
Library             RobotWebSocket    timeout=5s
Resource            servers.resource
Suite Setup         Start GraphQL Server
Suite Teardown      Stop GraphQL Server
Test Teardown       Disconnect All


*** Variables ***
${HELLO}            {"query": "query ($name: String!) { hello(name: $name) }", "variables": {"name": "QA"}}
${ADD_ITEM}         {"query": "mutation { addItem(name: \\"pen\\") { id name } }"}
${COUNT_TO_5}       {"query": "subscription { count(to: 5, delay: 0.05) }"}


*** Test Cases ***
Connect With A Token
    [Documentation]    ``init`` is the ``connection_init`` payload; the session is the ack's payload.
    VAR    ${token: Secret}    %{DEMO_TOKEN}
    VAR    &{init}    token=${token}    user=alice
    Connect    ${GQL}    protocol=graphql-transport-ws    init=${init}
    ${info}    Get Connection Info    ${GQL}
    Should Be Equal    ${info}[session]    ${{{"user": "alice"}}}

A Wrong Token Is Refused
    [Documentation]    The server closes the socket with 4403 Forbidden; ``Connect`` fails saying so.
    Run Keyword And Expect Error    *4403*Forbidden*
    ...    Connect    ${GQL}    protocol=graphql-transport-ws    init={"token": "wrong"}

A Query Returns Its Data
    [Documentation]    ``Request`` adds ``type`` and ``id`` and waits for the reply with that id.
    Connect With The Token
    Request    ${GQL}    ${HELLO}    $.payload.data.hello    ==    Hello, QA!

A Mutation Returns The New Item
    [Documentation]    ``Request`` returns the value its JSONPath selects.
    Connect With The Token
    ${item}    Request    ${GQL}    ${ADD_ITEM}    $.payload.data.addItem
    Should Be Equal    ${item}[name]    pen

A Subscription Streams Its Values
    [Documentation]    ``Send`` a ``subscribe`` with an id of your own, wait for its ``complete``,
    ...    then read every value of the last messages with ``all=True``.
    Connect With The Token
    Send    ${GQL}    {"id": "counter", "type": "subscribe", "payload": ${COUNT_TO_5}}
    Receive    ${GQL}    $[?(@.id == "counter" && @.type == "complete")]    last=10
    ${values}    Receive    ${GQL}    $[?(@.id == "counter")].payload.data.count    last=10    all=True
    Should Be Equal    ${values}    ${{[1, 2, 3, 4, 5]}}

Pings Are Answered While The Test Sleeps
    [Documentation]    The library answers the server's ``ping`` with ``pong``; neither enters the history.
    Connect With The Token
    Sleep    3s    The server drops a client whose pong has not come by its next ping.
    ${info}    Get Connection Info    ${GQL}
    Should Be Equal    ${info}[state]    open
    Get Message Count    ${GQL}    ==    0
    Request    ${GQL}    ${HELLO}    $.payload.data.hello    ==    Hello, QA!

The Legacy graphql-ws Protocol
    [Documentation]    Apollo's older protocol: ``Request`` sends ``start`` and waits for ``data``.
    VAR    ${token: Secret}    %{DEMO_TOKEN}
    VAR    &{init}    token=${token}
    Connect    ${GQL}    protocol=graphql-ws    init=${init}
    Request    ${GQL}    ${COUNT_TO_5}    $.payload.data.count    ==    1
    Receive    ${GQL}    $[?(@.type == "data")].payload.data.count    ==    [1, 2, 3, 4, 5]
    ...    last=10    all=True


*** Keywords ***
Start GraphQL Server
    [Documentation]    Starts the GraphQL server, pinging every second, as ``${GQL}``, and puts
    ...    its token in the environment variable ``DEMO_TOKEN``. In CI that variable comes
    ...    from the CI's secret store; the example sets it itself.
    Set Environment Variable    DEMO_TOKEN    letmein
    ${url}    Start Example Server    graphql    graphql_server.py    --ping-interval    1
    VAR    ${GQL}    ${url}/graphql    scope=GLOBAL

Stop GraphQL Server
    [Documentation]    Closes the suite's connections, then stops the server.
    Disconnect All
    Stop Example Server    graphql

Connect With The Token
    [Documentation]    Opens a ``graphql-transport-ws`` session with the token from ``DEMO_TOKEN``.
    VAR    ${token: Secret}    %{DEMO_TOKEN}
    VAR    &{init}    token=${token}
    Connect    ${GQL}    protocol=graphql-transport-ws    init=${init}
