*** Settings ***
Documentation       Pause Proxy holds what arrives in a direction and stops answering pings on
...                 the side that waits; Resume Proxy forwards what was held, in order.
Resource            proxy.resource
Suite Setup         Start Node Upstream For The Suite
Suite Teardown      Stop Upstream Servers
Test Teardown       Stop Proxy Test


*** Test Cases ***
Pausing To The Client Holds The Server's Messages Until Resume
    Start Proxy For The Test    ${WS}
    Connect    ${PROXY_URL}/echo    alias=client
    Wait For Client    proxy
    Pause Proxy    proxy#1    to_client
    ${info}=    Get Connection Info    proxy#1
    Should Be Equal    ${info}[paused]    ${{["to_client"]}}
    Send    client    a
    Send    client    b
    Send    client    c
    Get Message Count    proxy#1.upstream    ==    3
    Should Not Receive    client    within=300ms
    Resume Proxy    proxy#1    to_client
    Get Message Count    client    ==    3
    ${held}=    Receive    client    last=3
    Should Be Equal    ${held}    ${{["a", "b", "c"]}}

Pausing To The Server Holds A Node Client's Messages
    Start Proxy For The Test    ${NODE}
    ${client}=    Start Node Client    ${PROXY_URL}/
    Wait For Client    proxy
    Wait For Client Event    ${client}    open
    Pause Proxy    proxy
    Send    proxy#1    ignored by the client
    Send    proxy#1.upstream    direct to the server
    Receive    proxy#1.upstream    ==    node got: direct to the server
    Pause Proxy    proxy#1.upstream    to_server
    Resume Proxy    proxy#1    to_client
    Wait For Client Event    ${client}    message    data=node got: direct to the server

A Paused Side Answers No Pings
    Start Proxy For The Test    ${WS}
    Connect    ${PROXY_URL}/echo    alias=client
    Wait For Client    proxy
    Pause Proxy    proxy#1    to_client
    Run Keyword And Expect Error    *no pong arrived*    Send Ping    client    timeout=300ms
    Resume Proxy    proxy#1    to_client
    Send Ping    client

A Server's Keep-Alive Drops A Client Stalled Behind The Proxy
    Start Proxy For The Test    ${NODE}
    Connect    ${PROXY_URL}/    alias=client
    Wait For Client    proxy
    Send And Receive    client    pings please
    Pause Proxy    proxy#1    to_server
    ${close}=    Wait Until Closed    client    timeout=5s
    Should Be Equal As Integers    ${close}[code]    1006

Pause Needs A Proxy's Name And A Direction
    Start Proxy For The Test    ${WS}
    Run Keyword And Expect Error    *'direction' must be to_server, to_client or both*
    ...    Pause Proxy    proxy    sideways
    Run Keyword And Expect Error    *No client of a proxy is named 'proxy#9'*
    ...    Pause Proxy    proxy#9
