*** Settings ***
Documentation       GraphQL over WebSocket: ``protocol=graphql-transport-ws`` against strawberry
...                 and the reference ``graphql-ws`` server on Node (the same tests, as templates,
...                 against both), and the legacy ``protocol=graphql-ws`` against strawberry.
...                 Both servers serve one schema: ``hello(name)``, ``addItem(name)``,
...                 ``count(to, delay)``, ``failing(after)``; a ``token`` other than
...                 ``letmein`` in ``connection_init`` is refused.
Resource            ../resources/common.resource
Library             ../resources/Part1Servers.py
Suite Setup         Start GraphQL Servers For The Suite
Suite Teardown      Stop Servers Of The Suite
Test Teardown       Disconnect All


*** Variables ***
${TOKEN}            letmein
${HELLO}            {"query": "query ($name: String!) { hello(name: $name) }", "variables": {"name": "ann"}}
${ADD_ITEM}         {"query": "mutation ($name: String!) { addItem(name: $name) { id name } }", "variables": {"name": "pen"}}
${COUNT_TO_3}       {"query": "subscription { count(to: 3) }"}
${FAILING}          {"query": "subscription { failing(after: 1) }"}
${UNKNOWN_FIELD}    {"query": "{ nosuchfield }"}


*** Test Cases ***
Connect Returns Once connection_ack Arrives And Keeps The Handshake Out Of The History
    [Template]    Connect Is Ready Without A Session
    ${STRAWBERRY}
    ${GRAPHQL_WS}

Session Is The connection_ack Payload
    [Template]    Session Is The Ack Payload
    ${STRAWBERRY}
    ${GRAPHQL_WS}

A Bad Token Fails Connect With The Close Code And Reason
    [Template]    Bad Token Is Refused
    ${STRAWBERRY}
    ${GRAPHQL_WS}

Query Request Returns The next Message With The Data
    [Template]    Query Returns Its Data
    ${STRAWBERRY}
    ${GRAPHQL_WS}

Mutation Request Returns The Created Item
    [Template]    Mutation Returns The Item
    ${STRAWBERRY}
    ${GRAPHQL_WS}

Subscription Streams Its Values Then Completes
    [Template]    Subscription Streams Three Values
    ${STRAWBERRY}
    ${GRAPHQL_WS}

Failing Subscription Reports The Error To Its Request
    [Template]    Failing Subscription Reports Boom
    ${STRAWBERRY}
    ${GRAPHQL_WS}

Request Returns The error Reply For An Invalid Query
    [Template]    Invalid Query Gets An Error Reply
    ${STRAWBERRY}
    ${GRAPHQL_WS}

Request Considers Only Replies With Its Own Id
    [Template]    Request Ignores Another Operation
    ${STRAWBERRY}
    ${GRAPHQL_WS}

Send Takes Messages As They Are
    [Template]    Send Sends The Message As It Is
    ${STRAWBERRY}
    ${GRAPHQL_WS}

A Server's pong Never Enters The History
    [Template]    Pong Is Dropped
    ${STRAWBERRY}
    ${GRAPHQL_WS}

Raw True Sends Malformed Input The Server Closes On
    [Template]    Raw Text Closes With 4400
    ${STRAWBERRY}    WebSocket message must be valid JSON
    ${GRAPHQL_WS}    Invalid message received

Messages That Cannot Be Encoded Fail With The Reason
    [Template]    Unencodable Messages Fail
    ${STRAWBERRY}
    ${GRAPHQL_WS}

Server Pings Are Answered While The Test Sleeps And Never Enter The History
    Connect    ${GRAPHQL_WS}    protocol=graphql-transport-ws
    # This server sends a protocol ping every second and closes (4408) a client whose pong
    # has not come by the next one, so still being open after 3.5 s shows the library
    # answered while nothing read the connection.
    Sleep    3.5s
    ${info}=    Get Connection Info    ${GRAPHQL_WS}
    Should Be Equal    ${info}[state]    open
    Get Message Count    ${GRAPHQL_WS}    ==    0
    ${pongs}=    Request    ${GRAPHQL_WS}    {"query": "{ pongs }"}    $.payload.data.pongs    >=    3
    Should Be True    ${pongs} >= 3

Legacy Connect Returns Once connection_ack Arrives
    ${name}=    Connect    ${STRAWBERRY}    protocol=graphql-ws
    Should Be Equal    ${name}    ${STRAWBERRY}
    ${info}=    Get Connection Info    ${STRAWBERRY}
    Should Be Equal    ${info}[protocol]    graphql-ws
    Should Be Equal    ${info}[subprotocol]    graphql-ws
    Should Be Equal    ${info}[session]    ${None}

Legacy Session Is The connection_ack Payload
    Connect    ${STRAWBERRY}    protocol=graphql-ws    init={"token": "${TOKEN}"}
    ${info}=    Get Connection Info    ${STRAWBERRY}
    Should Be Equal    ${info}[session]    ${{{"user": "anonymous"}}}

Legacy connection_error Fails Connect With The Server's Message
    Run Keyword And Expect Error    *invalid token*
    ...    Connect    ${STRAWBERRY}    protocol=graphql-ws    init={"token": "wrong"}

Legacy Subscription Request Takes start And Waits For data
    Connect    ${STRAWBERRY}    protocol=graphql-ws
    ${reply}=    Request    ${STRAWBERRY}    ${COUNT_TO_3}
    Should Be Equal    ${reply}[type]    data
    Should Be Equal As Integers    ${reply}[payload][data][count]    1
    Receive    ${STRAWBERRY}    $[?(@.type == "complete")].id    ==    ${reply}[id]    last=10
    ${values}=    Receive    ${STRAWBERRY}    $[?(@.type == "data")].payload.data.count
    ...    all=True    last=10
    Should Be Equal    ${values}    ${{[1, 2, 3]}}

Legacy Query Gets An error Reply
    Connect    ${STRAWBERRY}    protocol=graphql-ws
    # Strawberry runs only subscriptions over the legacy protocol.
    ${reply}=    Request    ${STRAWBERRY}    ${HELLO}
    Should Be Equal    ${reply}[type]    error
    Should Be Equal    ${reply}[payload][message]    queries are not allowed

Legacy Failing Subscription Reports The Error
    Connect    ${STRAWBERRY}    protocol=graphql-ws
    ${message}=    Request    ${STRAWBERRY}    ${FAILING}    $..message    ==    boom
    Should Be Equal    ${message}    boom

Legacy ka Keep-Alives Are Dropped While The Test Sleeps
    Connect    ${STRAWBERRY}    protocol=graphql-ws
    # The server sends ka every second (seen with a raw client); none may reach the history.
    Sleep    3s
    Get Message Count    ${STRAWBERRY}    ==    0
    Should Not Receive    ${STRAWBERRY}    $.type    ==    ka    within=1.5s
    ${info}=    Get Connection Info    ${STRAWBERRY}
    Should Be Equal    ${info}[state]    open
    Request    ${STRAWBERRY}    {"query": "subscription { count(to: 1) }"}    $.payload.data.count    ==    1

Legacy Protocol Against A Server That Speaks Only graphql-transport-ws Fails Connect
    Run Keyword And Expect Error    *graphql-ws*
    ...    Connect    ${GRAPHQL_WS}    protocol=graphql-ws


*** Keywords ***
Start GraphQL Servers For The Suite
    [Documentation]    Starts strawberry (legacy ``ka`` every second) and the reference
    ...    graphql-ws server (a protocol ping every second) and publishes their URLs as
    ...    ``${STRAWBERRY}`` and ``${GRAPHQL_WS}``.
    ${strawberry}=    Start Strawberry Server    keep_alive_interval=1
    ${graphql_ws}=    Start GraphQL WS Server    ping_interval=1
    Set Suite Variable    ${STRAWBERRY}    ${strawberry}    # robocop: off=VAR05
    Set Suite Variable    ${GRAPHQL_WS}    ${graphql_ws}    # robocop: off=VAR05

Stop Servers Of The Suite
    [Documentation]    Closes every connection, then stops the servers.
    Disconnect All
    Stop Part1 Servers

Open Session
    [Documentation]    Opens a ``graphql-transport-ws`` session on ``url``, with ``init`` as
    ...    the ``connection_init`` payload when given.
    [Arguments]    ${url}    ${init}=${None}
    Connect    ${url}    protocol=graphql-transport-ws    init=${init}

Connect Is Ready Without A Session
    [Documentation]    Without init, the session is up with no ack payload and an empty history.
    [Arguments]    ${url}
    ${name}=    Connect    ${url}    protocol=graphql-transport-ws
    Should Be Equal    ${name}    ${url}
    ${info}=    Get Connection Info    ${url}
    Should Be Equal    ${info}[protocol]    graphql-transport-ws
    Should Be Equal    ${info}[subprotocol]    graphql-transport-ws
    Should Be Equal    ${info}[session]    ${None}
    Get Message Count    ${url}    ==    0
    [Teardown]    Disconnect    ${url}

Session Is The Ack Payload
    [Documentation]    The right token is accepted; the ack payload names the user.
    [Arguments]    ${url}
    Open Session    ${url}    {"token": "${TOKEN}", "user": "ann"}
    ${info}=    Get Connection Info    ${url}
    Should Be Equal    ${info}[session]    ${{{"user": "ann"}}}
    [Teardown]    Disconnect    ${url}

Bad Token Is Refused
    [Documentation]    Both servers close with 4403 Forbidden on a wrong token.
    [Arguments]    ${url}
    Run Keyword And Expect Error    *4403*Forbidden*
    ...    Open Session    ${url}    {"token": "wrong"}

Query Returns Its Data
    [Documentation]    A query's reply is ``next``; ``complete`` follows it.
    [Arguments]    ${url}
    Open Session    ${url}
    ${hello}=    Request    ${url}    ${HELLO}    $.payload.data.hello    ==    Hello, ann!
    Should Be Equal    ${hello}    Hello, ann!
    Receive    ${url}    $[?(@.type == "complete")].id    ==    1    last=5
    [Teardown]    Disconnect    ${url}

Mutation Returns The Item
    [Documentation]    A mutation runs over the socket as a query does.
    [Arguments]    ${url}
    Open Session    ${url}
    ${item}=    Request    ${url}    ${ADD_ITEM}    $.payload.data.addItem
    Should Be Equal    ${item}[name]    pen
    Should Be True    isinstance($item["id"], int)
    [Teardown]    Disconnect    ${url}

Subscription Streams Three Values
    [Documentation]    ``count(to: 3)`` gives 1, 2, 3 and ``complete``, all with the request's id.
    [Arguments]    ${url}
    Open Session    ${url}
    ${reply}=    Request    ${url}    ${COUNT_TO_3}
    Should Be Equal    ${reply}[type]    next
    Receive    ${url}    $[?(@.type == "complete")].id    ==    ${reply}[id]    last=10
    ${values}=    Receive    ${url}    $[?(@.type == "next")].payload.data.count    all=True    last=10
    Should Be Equal    ${values}    ${{[1, 2, 3]}}
    [Teardown]    Disconnect    ${url}

Failing Subscription Reports Boom
    [Documentation]    Strawberry sends ``next`` with ``errors``, graphql-ws an ``error``
    ...    message; either way the request's reply carries the message "boom".
    [Arguments]    ${url}
    Open Session    ${url}
    ${message}=    Request    ${url}    ${FAILING}    $..message    ==    boom
    Should Be Equal    ${message}    boom
    ${first}=    Receive    ${url}    $[?(@.type == "next")].payload.data.failing    last=5
    Should Be Equal As Integers    ${first}    1
    [Teardown]    Disconnect    ${url}

Invalid Query Gets An Error Reply
    [Documentation]    Validation errors come back as an ``error`` message to the request.
    [Arguments]    ${url}
    Open Session    ${url}
    ${reply}=    Request    ${url}    ${UNKNOWN_FIELD}
    Should Be Equal    ${reply}[type]    error
    Should Contain    ${reply}[payload][0][message]    nosuchfield
    [Teardown]    Disconnect    ${url}

Request Ignores Another Operation
    [Documentation]    A slow subscription streams while a query is requested: the query's
    ...    reply is the first message with its own id, not the stream's.
    [Arguments]    ${url}
    Open Session    ${url}
    Send    ${url}    {"type": "subscribe", "id": "slow", "payload": {"query": "subscription { count(to: 50, delay: 0.02) }"}}
    Receive    ${url}    $.id    ==    slow
    ${reply}=    Request    ${url}    ${HELLO}
    Should Be Equal    ${reply}[payload][data][hello]    Hello, ann!
    Should Not Be Equal    ${reply}[id]    slow
    Send    ${url}    {"type": "complete", "id": "slow"}
    [Teardown]    Disconnect    ${url}

Send Sends The Message As It Is
    [Documentation]    ``Send`` adds nothing: the message's own id and type are used.
    [Arguments]    ${url}
    Open Session    ${url}
    Send    ${url}    {"type": "subscribe", "id": "mine", "payload": {"query": "{ hello }"}}
    ${hello}=    Receive    ${url}    $[?(@.id == "mine")].payload.data.hello    last=5
    Should Be Equal    ${hello}    Hello, world!
    [Teardown]    Disconnect    ${url}

Pong Is Dropped
    [Documentation]    The server answers the test's ``ping`` with ``pong``, which the library
    ...    drops; the session goes on.
    [Arguments]    ${url}
    Open Session    ${url}
    Send    ${url}    {"type": "ping", "payload": {"n": 1}}
    Should Not Receive    ${url}    $.type    ==    pong    within=0.5s
    Request    ${url}    ${HELLO}    $.payload.data.hello    ==    Hello, ann!
    [Teardown]    Disconnect    ${url}

Raw Text Closes With 4400
    [Documentation]    Text that is not JSON, sent with ``raw=True``, closes the session with
    ...    4400 and the server's reason.
    [Arguments]    ${url}    ${reason}
    Open Session    ${url}
    Send    ${url}    this is not json    raw=True
    ${close}=    Wait Until Closed    ${url}
    Should Be Equal As Integers    ${close}[code]    4400
    Should Be Equal    ${close}[reason]    ${reason}
    [Teardown]    Disconnect    ${url}

Unencodable Messages Fail
    [Documentation]    A message without ``type`` cannot be sent; a ``ping`` has no reply to request.
    [Arguments]    ${url}
    Open Session    ${url}
    Run Keyword And Expect Error    *needs a string 'type'*
    ...    Send    ${url}    {"id": "1", "payload": {"query": "{ hello }"}}
    Run Keyword And Expect Error    *has replies*
    ...    Request    ${url}    {"type": "ping"}
    [Teardown]    Disconnect    ${url}
