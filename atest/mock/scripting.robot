*** Settings ***
Documentation       Scripting a mock server through its own name: a Send to it reaches every
...                 client, and rules set on it apply to every client, present and future.
Resource            ../resources/clients/mock_clients.resource
Test Setup          Start Mock Server For The Test
Test Teardown       Stop Clients And Servers


*** Test Cases ***
Send To The Server Name Reaches Every Client
    ${node}=    Start Node Client    ${MOCK_URL}/room    echo=node:${SPACE}
    ${first}=    Wait For Client
    ${python}=    Start Python Client    ${MOCK_URL}/room    echo=python:${SPACE}
    ${second}=    Wait For Client
    Send    mock    to everyone
    Wait For Client Event    ${node}    message    data=to everyone
    Wait For Client Event    ${python}    message    data=to everyone
    Receive    ${first}    ==    node: to everyone
    Receive    ${second}    ==    python: to everyone
    Get Message Count    ${first}    ==    1
    Get Message Count    ${second}    ==    1

Send To The Server Name Skips Clients That Have Closed
    ${leaving}=    Start Node Client    ${MOCK_URL}/room    close_on=bye
    ${first}=    Wait For Client
    ${staying}=    Start Python Client    ${MOCK_URL}/room
    Wait For Client
    Send    ${first}    bye
    Wait Until Closed    ${first}
    Send    mock    after the close
    Wait For Client Event    ${staying}    message    data=after the close
    ${messages}=    Get Client Messages    ${leaving}
    Should Not Contain    ${messages}    after the close

Reply Rules On The Server Name Script Present And Future Clients
    ${present}=    Start Node Client    ${MOCK_URL}/present    echo=${EMPTY}
    ${first}=    Wait For Client
    Reply To Messages    mock    $.op    ==    ping    reply=pong {{$.id}}
    # The echoing client sends the ping back, so the server's rule answers a message that
    # a present client sent.
    Send    ${first}    {"op": "ping", "id": "p1"}
    Wait For Client Event    ${present}    message    data=pong p1
    ${future}=    Start Python Client    ${MOCK_URL}/future    {"op": "ping", "id": "p2"}
    ${second}=    Wait For Client
    Wait For Client Event    ${future}    message    data=pong p2
    ${info}=    Get Connection Info    ${second}
    Should Be Equal As Integers    ${info}[auto_sent]    1
    ${messages}=    Get Client Messages    ${future}
    Should Not Contain    ${messages}    pong p1

Reply Rules Set Before Any Client Connects Answer Its First Message
    Reply To Messages    mock    $.type    ==    hello    reply={"type": "welcome", "name": "{{$.name}}"}
    ${client}=    Start Node Client    ${MOCK_URL}/greet    {"type": "hello", "name": "ada"}
    ${name}=    Wait For Client
    Receive    ${name}    $.name    ==    ada
    ${welcome}=    Wait For Client Event    ${client}    message
    ${document}=    Evaluate    json.loads($welcome["data"])
    Should Be Equal    ${document}[type]    welcome
    Should Be Equal    ${document}[name]    ada
