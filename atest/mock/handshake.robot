*** Settings ***
Documentation       What a mock server decides in the upgrade: rejecting it with an HTTP status,
...                 choosing a subprotocol, and serving wss:// with a certificate.
Resource            ../resources/clients/mock_clients.resource
Test Teardown       Stop Clients And Servers


*** Variables ***
@{SERVER_PROTOCOLS}     chat.v2    chat.v1
@{CLIENT_PROTOCOLS}     chat.v1    chat.v2
@{UNKNOWN_PROTOCOLS}    other.v9


*** Test Cases ***
Reject Refuses A Node Client With The Status
    Start Mock Server For The Test    reject=401
    ${client}=    Start Node Client    ${MOCK_URL}/private
    ${error}=    Wait For Client Event    ${client}    error
    Should Contain    ${error}[message]    401
    Wait For Client To Exit    ${client}
    Run Keyword And Expect Error    *timed out*    Wait For Client    timeout=0.3s

Reject Refuses A Python Client With The Status
    Start Mock Server For The Test    reject=401
    ${client}=    Start Python Client    ${MOCK_URL}/private
    ${error}=    Wait For Client Event    ${client}    error
    Should Contain    ${error}[message]    401
    ${opened}=    Get Client Events    ${client}    open
    Should Be Empty    ${opened}

Reject Refuses The Library's Own Client With The Status
    Start Mock Server For The Test    reject=401
    Run Keyword And Expect Error    *401*    Connect    ${MOCK_URL}/private

The Server's Preferred Subprotocol Is Chosen
    Start Mock Server For The Test    subprotocols=${SERVER_PROTOCOLS}
    FOR    ${kind}    IN    Node    Python
        ${client}=    Start Client    ${kind}    ${MOCK_URL}/chat    subprotocols=${CLIENT_PROTOCOLS}
        ${name}=    Wait For Client
        ${info}=    Get Connection Info    ${name}
        Should Be Equal    ${info}[subprotocol]    chat.v2
        ${open}=    Wait For Client Event    ${client}    open
        Should Be Equal    ${open}[subprotocol]    chat.v2
    END

A Client Offering No Subprotocol Is Accepted Without One
    Start Mock Server For The Test    subprotocols=${SERVER_PROTOCOLS}
    ${client}=    Start Python Client    ${MOCK_URL}/plain    echo=echo:${SPACE}
    ${name}=    Wait For Client
    ${info}=    Get Connection Info    ${name}
    Should Be Equal    ${info}[subprotocol]    ${None}
    ${open}=    Wait For Client Event    ${client}    open
    Should Be Empty    ${open}[subprotocol]
    ${reply}=    Send And Receive    ${name}    still talking
    Should Be Equal    ${reply}    echo: still talking

A Client Offering Only Unknown Subprotocols Is Accepted Without One
    [Documentation]    Logs an intended [ WARN ]: the server selected none of the offered subprotocols.
    Start Mock Server For The Test    subprotocols=${SERVER_PROTOCOLS}
    Connect    ${MOCK_URL}/unknown    subprotocols=${UNKNOWN_PROTOCOLS}
    ${name}=    Wait For Client
    ${info}=    Get Connection Info    ${name}
    Should Be Equal    ${info}[subprotocol]    ${None}
    ${client_info}=    Get Connection Info    ${MOCK_URL}/unknown
    Should Be Equal    ${client_info}[subprotocol]    ${None}

Wss With A Certificate Serves Clients That Trust Its CA
    ${tls}=    Create Certificates
    ${url}=    Start Mock Server For The Test    certfile=${tls}[cert]    keyfile=${tls}[key]
    Should Match Regexp    ${url}    ^wss://127\\.0\\.0\\.1:\\d+$
    ${node}=    Start Node Client    ${url}/secure    ca_file=${tls}[ca]    echo=node:${SPACE}
    ${first}=    Wait For Client
    ${reply}=    Send And Receive    ${first}    over tls
    Should Be Equal    ${reply}    node: over tls
    ${python}=    Start Python Client    ${url}/secure    ca_file=${tls}[ca]    echo=python:${SPACE}
    ${second}=    Wait For Client
    ${reply}=    Send And Receive    ${second}    over tls
    Should Be Equal    ${reply}    python: over tls
    Connect    ${url}/library    ca_file=${tls}[ca]
    ${third}=    Wait For Client
    Should Be Equal    ${third}    mock#3
    Wait For Client Event    ${node}    message    data=over tls
    Wait For Client Event    ${python}    message    data=over tls

Wss Clients That Do Not Trust The CA Fail On The Certificate
    ${tls}=    Create Certificates
    ${url}=    Start Mock Server For The Test    certfile=${tls}[cert]    keyfile=${tls}[key]
    ${node}=    Start Node Client    ${url}/secure
    ${error}=    Wait For Client Event    ${node}    error
    Should Contain    ${error}[message]    certificate
    ${python}=    Start Python Client    ${url}/secure
    ${error}=    Wait For Client Event    ${python}    error
    Should Contain    ${error}[message]    CERTIFICATE_VERIFY_FAILED

A Client's Credential Header Is Checked Without Being Logged
    [Documentation]    Logs only whether the header matched: the token is in no message.
    Start Mock Server For The Test
    &{headers}=    Create Dictionary    Authorization=Bearer ${TOKEN}    X-Page=http://page.test
    Start Python Client    ${MOCK_URL}/feed?token=${API_TOKEN}    headers=${headers}
    ${name}=    Wait For Client
    Request Header Should Be    ${name}    authorization    ==    Bearer ${TOKEN}
    Request Header Should Be    ${name}    X-Page    starts    http://
    Request Header Should Be    ${name}    X-Page
    ${error}=    Run Keyword And Expect Error    *does not match*
    ...    Request Header Should Be    ${name}    Authorization    ==    Bearer wrong-token
    Should Not Contain    ${error}    ${TOKEN}
    Should Not Contain    ${error}    wrong-token
    Run Keyword And Expect Error    *X-Page*does not match*'http://page.test' (str) should be 'https://page.test'*
    ...    Request Header Should Be    ${name}    X-Page    ==    https://page.test
    Run Keyword And Expect Error    *has no 'X-Missing' header*    Request Header Should Be    ${name}    X-Missing
    ${info}=    Get Connection Info    ${name}
    Should Be Equal    ${info}[path]    /feed?token=***
    Should Be Equal    ${info}[request_headers][Authorization]    ***
    Should Not Be Equal    ${info}[request_headers][Sec-WebSocket-Key]    ***
