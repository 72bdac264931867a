*** Settings ***
Documentation       A mock GraphQL over WebSocket server against the graphql-ws 6 client (on ws).
Resource            protocol_clients.resource
Test Teardown       Stop Clients And Servers


*** Test Cases ***
Graphql-ws Client Subscribes And Gets Results, Pings Answered
    ${url}=    Start Mock Server    alias=gql    protocol=graphql-transport-ws    init={"server": "mock"}
    ${client}=    Start Official Client    graphql    ${url}/graphql    stay=2.5s
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
