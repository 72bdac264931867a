*** Settings ***
Documentation       Each real client of a mock server becomes a connection named mock#N, and
...                 every keyword works on it: sending, receiving, info, closing.
Resource            ../resources/clients/mock_clients.resource
Test Setup          Start Mock Server For The Test
Test Teardown       Stop Clients And Servers


*** Variables ***
@{SERVER_PROTOCOLS}     chat.v2    chat.v1
@{CLIENT_PROTOCOLS}     chat.v1    chat.v2


*** Test Cases ***
Clients Are Named In Connection Order
    ${node}=    Start Node Client    ${MOCK_URL}/first
    ${first}=    Wait For Client
    Should Be Equal    ${first}    mock#1
    Wait For Client Event    ${node}    open
    ${python}=    Start Python Client    ${MOCK_URL}/second
    ${second}=    Wait For Client    mock
    Should Be Equal    ${second}    mock#2
    Wait For Client Event    ${python}    open
    ${info}=    Get Connection Info    mock#1
    Should Be Equal    ${info}[path]    /first
    ${info}=    Get Connection Info    mock#2
    Should Be Equal    ${info}[path]    /second

Wait For Client Times Out When No Client Connects
    Run Keyword And Expect Error    *timed out*    Wait For Client    timeout=0.5s

Wait For Client Returns Each Client Only Once
    Start Node Client    ${MOCK_URL}/only-once
    ${name}=    Wait For Client
    Should Be Equal    ${name}    mock#1
    Run Keyword And Expect Error    *timed out*    Wait For Client    timeout=0.5s

A Server With An Alias Names Its Clients After It
    ${url}=    Start Mock Server    alias=shop
    Should Match Regexp    ${url}    ^ws://127\\.0\\.0\\.1:\\d+$
    Start Python Client    ${url}/orders
    ${name}=    Wait For Client    shop
    Should Be Equal    ${name}    shop#1
    ${info}=    Get Connection Info    shop#1
    Should Be Equal    ${info}[path]    /orders

Messages Flow Both Ways With A Node Client
    Exchange Messages With A Client    Node

Messages Flow Both Ways With A Python Client
    Exchange Messages With A Client    Python

Connection Info Has The Path, Masked Request Headers And The Subprotocol
    [Setup]    Start Mock Server For The Test    subprotocols=${SERVER_PROTOCOLS}
    &{headers}=    Create Dictionary
    ...    Authorization=Bearer ${TOKEN}    X-Api-Token=${API_TOKEN}    X-Trace-Id=trace-42
    ${client}=    Start Node Client    ${MOCK_URL}/orders?userId=7&lang=en
    ...    headers=${headers}    subprotocols=${CLIENT_PROTOCOLS}
    ${name}=    Wait For Client
    ${info}=    Get Connection Info    ${name}
    Should Be Equal    ${info}[state]    open
    Should Be Equal    ${info}[path]    /orders?userId=7&lang=en
    Should Be Equal    ${info}[subprotocol]    chat.v2
    Request Headers Should Be Masked    ${info}[request_headers]
    ${printed}=    Convert To String    ${info}
    Should Not Contain    ${printed}    ${TOKEN}
    Should Not Contain    ${printed}    ${API_TOKEN}
    ${open}=    Wait For Client Event    ${client}    open
    Should Be Equal    ${open}[subprotocol]    chat.v2

Disconnect Closes A Node Client With The Code And Reason
    Disconnect Is Seen By The Client    Node

Disconnect Closes A Python Client With The Code And Reason
    Disconnect Is Seen By The Client    Python

Wait Until Closed Returns When A Node Client Closes
    Client Closes And Is Waited For    Node

Wait Until Closed Returns When A Python Client Closes
    Client Closes And Is Waited For    Python


*** Keywords ***
Exchange Messages With A Client
    [Documentation]    Receive, Send And Receive, Send (text and binary), Get Message Count and
    ...    Should Not Receive on the connection of a ``kind`` client that echoes what it gets.
    [Arguments]    ${kind}
    ${client}=    Start Client    ${kind}    ${MOCK_URL}/exchange    {"type": "hello"}    echo=${EMPTY}
    ${name}=    Wait For Client
    Receive    ${name}    $.type    ==    hello
    Send And Receive    ${name}    {"type": "order", "id": 7}    $.id    ==    7
    Wait For Client Event    ${client}    message    data={"type": "order", "id": 7}
    Exchange A Binary Message    ${client}    ${name}
    Get Message Count    ${name}    $[?(@.type == "order")]    ==    1
    Should Not Receive    ${name}    $.type    ==    error    within=0.5s
    ${info}=    Get Connection Info    ${name}
    Should Be Equal As Integers    ${info}[received]    3
    Should Be Equal As Integers    ${info}[sent]    2

Exchange A Binary Message
    [Documentation]    Sends bytes to an echoing ``client`` (the connection ``name``, with two
    ...    messages in its history so far) and receives the same bytes back.
    [Arguments]    ${client}    ${name}
    ${bytes}=    Convert To Bytes    \x00\x01\xff
    Send    ${name}    ${bytes}
    Get Message Count    ${name}    ==    3
    ${echoed}=    Receive    ${name}
    Should Be Equal    ${echoed}    ${bytes}
    Wait For Client Event    ${client}    message    data=AAH/

Request Headers Should Be Masked
    [Documentation]    Credential headers read ``***``; others keep their value.
    [Arguments]    ${headers}
    ${authorization}=    Header Value    ${headers}    Authorization
    Should Be Equal    ${authorization}    ***
    ${api_token}=    Header Value    ${headers}    X-Api-Token
    Should Be Equal    ${api_token}    ***
    ${trace}=    Header Value    ${headers}    X-Trace-Id
    Should Be Equal    ${trace}    trace-42

Disconnect Is Seen By The Client
    [Documentation]    ``Disconnect`` on a client's connection closes it with the code and
    ...    reason that the ``kind`` client reports.
    [Arguments]    ${kind}
    ${client}=    Start Client    ${kind}    ${MOCK_URL}/bye
    ${name}=    Wait For Client
    Wait For Client Event    ${client}    open
    Disconnect    ${name}    code=4001    reason=policy says no
    Client Should See Close    ${client}    4001    policy says no
    ${info}=    Get Connection Info    ${name}
    Should Be Equal    ${info}[state]    closed
    Wait For Client To Exit    ${client}

Client Closes And Is Waited For
    [Documentation]    A ``kind`` client closes with its own code and reason when asked to;
    ...    ``Wait Until Closed`` on its connection returns them.
    [Arguments]    ${kind}
    ${client}=    Start Client    ${kind}    ${MOCK_URL}/leaving
    ...    close_on=please close    close_code=4002    close_reason=client done
    ${name}=    Wait For Client
    Send    ${name}    please close
    ${close}=    Wait Until Closed    ${name}
    Should Be Equal As Integers    ${close}[code]    4002
    Should Be Equal    ${close}[reason]    client done
    ${info}=    Get Connection Info    ${name}
    Should Be Equal    ${info}[state]    closed
    Wait For Client To Exit    ${client}
