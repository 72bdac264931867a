*** Settings ***
Documentation       A mock GraphQL over WebSocket server against the graphql-ws 6 client (on ws),
...                 and a mock legacy ``graphql-ws`` server against Apollo's
...                 subscriptions-transport-ws 0.11 client.
Resource            protocol_clients.resource
Test Teardown       Stop Clients And Servers


*** Test Cases ***
Graphql-ws Client Subscribes And Gets Results, Pings Answered
    ${url}=    Start Mock Server    alias=gql    protocol=graphql-transport-ws    init={"server": "mock"}
    ${client}=    Start Official Client    graphql    ${url}/graphql    stay=3.5s
    Wait For Client    gql
    Client Line Should Have    ${client}    connected    payload    ${{{"server": "mock"}}}
    Mock Sends Two Results And Completes
    Wait For Client Line    ${client}    complete
    # The client pings every 500 ms: the server answers, and nothing enters the history.
    Sleep    1.2s
    ${info}=    Get Connection Info    gql#1
    Should Be Equal    ${info}[subprotocol]    graphql-transport-ws
    Should Be Equal    ${info}[session]    ${{{"token": "***"}}}
    Client Should Have Stayed Up    ${client}    $done["pongs"] >= 3
    ${results}=    Get Client Lines    ${client}    next
    Length Should Be    ${results}    2
    Should Be Equal    ${results}[1][result]    ${{{"data": {"greetings": "hi 2"}}}}
    No Keep-Alive Should Be In The History    gql#1
    Get Message Count    gql#1    ==    1

Legacy Client Subscribes And Gets Data, And The Ka Keep-Alive
    ${url}=    Start Mock Server    alias=legacy    protocol=graphql-ws    init={"server": "mock"}
    # The mock sends a ka at once after the ack, then every 10 s (the repeat is in the
    # codec's unit tests, utest/test_codec_roles.py): the client counts what it gets.
    ${client}=    Start Official Client    graphql-legacy    ${url}/graphql    11000    stay=3s
    Wait For Client    legacy
    Client Line Should Have    ${client}    connected    payload    ${{{"server": "mock"}}}
    Mock Answers The Legacy Start With Two Data And Complete
    Wait For Client Line    ${client}    complete
    ${info}=    Get Connection Info    legacy#1
    Should Be Equal    ${info}[subprotocol]    graphql-ws
    Should Be Equal    ${info}[session]    ${{{"token": "***", "user": "robot"}}}
    Should Be Equal    ${info}[state]    open
    Client Should Have Stayed Up    ${client}    $done["kas"] >= 1 and not $done["disconnected"]
    Legacy Client Should Have Got Two Results And No Error    ${client}
    Get Message Count    legacy#1    $[?(@.type == "ka")]    ==    0
    Get Message Count    legacy#1    $[?(@.type == "connection_init")]    ==    0
    Get Message Count    legacy#1    $[?(@.type == "start")]    ==    1


*** Keywords ***
No Keep-Alive Should Be In The History
    [Documentation]    Pings and pongs are the protocol's: none is in ``name``'s history.
    [Arguments]    ${name}
    Get Message Count    ${name}    $[?(@.type == "ping")]    ==    0
    Get Message Count    ${name}    $[?(@.type == "pong")]    ==    0

Mock Sends Two Results And Completes
    [Documentation]    Reads the client's ``subscribe`` and answers it with two results.
    ${id}=    Receive    gql#1    $[?(@.type == "subscribe")].id
    Receive    gql#1    $.payload.query    ==    subscription { greetings }
    Send    gql#1    {"id": "${id}", "type": "next", "payload": {"data": {"greetings": "hi 1"}}}
    Send    gql#1    {"id": "${id}", "type": "next", "payload": {"data": {"greetings": "hi 2"}}}
    Send    gql#1    {"id": "${id}", "type": "complete"}

Mock Answers The Legacy Start With Two Data And Complete
    [Documentation]    Reads the legacy client's ``start`` and answers it with two ``data``.
    ${id}=    Receive    legacy#1    $[?(@.type == "start")].id
    Receive    legacy#1    $.payload.query    ==    subscription Greetings($n: Int) { greetings(n: $n) }
    Receive    legacy#1    $.payload.variables    ==    ${{{"n": 2}}}
    Send    legacy#1    {"id": "${id}", "type": "data", "payload": {"data": {"greetings": "hi 1"}}}
    Send    legacy#1    {"id": "${id}", "type": "data", "payload": {"data": {"greetings": "hi 2"}}}
    Send    legacy#1    {"id": "${id}", "type": "complete"}

Legacy Client Should Have Got Two Results And No Error
    [Documentation]    ``client`` printed the two results in order, and no error.
    [Arguments]    ${client}
    ${results}=    Get Client Lines    ${client}    data
    Length Should Be    ${results}    2
    Should Be Equal    ${results}[0][result]    ${{{"data": {"greetings": "hi 1"}}}}
    Should Be Equal    ${results}[1][result]    ${{{"data": {"greetings": "hi 2"}}}}
    ${errors}=    Get Client Lines    ${client}    error
    ${socket_errors}=    Get Client Lines    ${client}    socket-error
    Should Be Empty    ${{ $errors + $socket_errors }}
