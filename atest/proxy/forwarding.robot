*** Settings ***
Documentation       A proxy between real clients and real servers: where clients are connected,
...                 what is forwarded, the two connections of each client, closing, TLS.
Resource            proxy.resource
Suite Setup         Start Node Upstream For The Suite
Suite Teardown      Stop Upstream Servers
Test Teardown       Stop Proxy Test


*** Test Cases ***
A Node Client Reaches The Upstream Path Joined With Its Own, With Its Headers And Subprotocols
    Start Proxy For The Test    ${NODE}/base?k\=1
    ${client}=    Start Node Client    ${PROXY_URL}/room/7?user=a    hi
    ...    subprotocols=${{["chat.v1", "chat.v2"]}}    headers=${{{"X-Token": "t-1"}}}
    ${name}=    Wait For Client    proxy
    Should Be Equal    ${name}    proxy#1
    # The server's greeting and its answer to "hi" may both be in by now: look past the newest.
    ${hello}=    Receive    proxy#1.upstream    $[?(@.type == "hello")]    last=10
    Greeting Should Show    ${hello}    /base/room/7?k=1&user=a    chat.v1    t-1
    ${open}=    Wait For Client Event    ${client}    open
    Should Be Equal    ${open}[subprotocol]    chat.v1
    Receive    proxy#1    ==    hi
    Wait For Client Event    ${client}    message    data=node got: hi
    ${info}=    Get Connection Info    proxy#1
    Should Be Equal    ${info}[path]    /room/7?user=a
    Should Be Equal    ${info}[subprotocol]    chat.v1
    Should Be Equal    ${info}[upstream]    ${NODE}/base/room/7?k=1&user=a

A Python Client's Text And Binary Frames Keep Their Type Both Ways
    Start Proxy For The Test    ${WS}
    ${bytes}=    Convert To Bytes    \x00\x01\xff
    ${client}=    Start Python Client    ${PROXY_URL}/echo    plain text    ${bytes}
    Wait For Client    proxy
    Get Message Count    proxy#1.upstream    ==    2
    ${echoed}=    Receive    proxy#1.upstream    last=2
    Should Be Equal    ${echoed}    ${{["plain text", b"\x00\x01\xff"]}}
    ${sent}=    Receive    proxy#1    last=2
    Should Be Equal    ${sent}    ${echoed}
    Wait For Client Event    ${client}    message    data=plain text
    ${binary}=    Wait For Client Event    ${client}    message    data=AAH/
    Should Be Equal    ${binary}[type]    binary

Send Writes To The Client Or To The Server
    Start Proxy For The Test    ${NODE}
    ${client}=    Start Node Client    ${PROXY_URL}/
    ${name}=    Wait For Client    proxy
    Send    ${name}    as if from the server
    Wait For Client Event    ${client}    message    data=as if from the server
    Send    ${name}.upstream    as if from the client
    Receive    ${name}.upstream    ==    node got: as if from the client
    Wait For Client Event    ${client}    message    data=node got: as if from the client
    Get Message Count    ${name}    ==    0

Every Receiving Keyword Reads Either Side
    Start Proxy For The Test    ${WS}
    Connect    ${PROXY_URL}/echo    alias=client
    ${name}=    Wait For Client    proxy
    ${reply}=    Send And Receive    client    {"n": 1}    $.n
    Should Be Equal As Integers    ${reply}    1
    Receive    ${name}    $.n    ==    1
    Get Message Count    ${name}.upstream    $.n    ==    1
    Should Not Receive    ${name}.upstream    $.n    ==    2    within=100ms
    Receive Until    ${name}.upstream    $.n    ==    1    max_iterations=1

An Upstream Refusal Reaches The Client With Its Status
    Start Proxy For The Test    ${WS}
    Run Keyword And Expect Error    *HTTP 403*    Connect    ${PROXY_URL}/status/403
    Run Keyword And Expect Error    *HTTP 401*    Connect    ${PROXY_URL}/auth
    Run Keyword And Expect Error    *timed out*    Wait For Client    proxy    timeout=0.2s

An Unreachable Upstream Gives 502
    ${url}=    Start Proxy    ws://127.0.0.1:9/nowhere    alias=nowhere
    Run Keyword And Expect Error    *HTTP 502*cannot reach ws://127.0.0.1:9/nowhere*
    ...    Connect    ${url}
    Run Keyword And Expect Error    *1 upgrade(s) were rejected with HTTP 502*
    ...    Wait For Client    nowhere    timeout=0.2s

Close Codes And Reasons Pass Through Both Ways
    Start Proxy For The Test    ${NODE}
    Connect    ${NODE}/watcher    alias=watcher
    Receive    watcher    $.type    ==    hello
    Start Node Client    ${PROXY_URL}/    close_on=bye    close_code=4000
    ...    close_reason=leaving
    Wait For Client    proxy
    Send    proxy#1    bye
    Receive    watcher    $.code    ==    4000
    Receive    watcher    $.reason    ==    leaving
    ${other}=    Start Node Client    ${PROXY_URL}/    close me
    Wait For Client    proxy
    Client Should See Close    ${other}    4002    node done
    ${close}=    Wait Until Closed    proxy#2
    Should Be Equal As Integers    ${close}[code]    4002

Stop Proxy Closes The Clients With Its Code And The Servers With 1001
    Start Proxy For The Test    ${NODE}
    Connect    ${NODE}/watcher    alias=watcher
    Receive    watcher    $.type    ==    hello
    ${client}=    Start Node Client    ${PROXY_URL}/
    Wait For Client    proxy
    Wait For Client Event    ${client}    open
    Stop Proxy    code=4005    reason=maintenance
    Client Should See Close    ${client}    4005    maintenance
    Receive    watcher    $.code    ==    1001
    Stop Proxy
    Run Keyword And Expect Error    *is stopped*    Wait For Client    proxy    timeout=0.2s

Save Conversation Of A Client Writes Both Sides Seen From The Client
    Start Proxy For The Test    ${NODE}
    ${client}=    Start Node Client    ${PROXY_URL}/    one    two
    Wait For Client    proxy
    Receive    proxy#1.upstream    ==    node got: two
    Send    proxy#1    injected
    Wait For Client Event    ${client}    message    data=injected
    ${path}=    Save Conversation    proxy#1.upstream    ${OUTPUT_DIR}/proxy-both-sides.har
    ${har}=    Read Conversation    ${path}    2    4
    Har Should Have Message    ${har}    send    1    one
    Har Should Have Message    ${har}    receive    1    node got: two
    ${injected}=    Find Har Messages    ${har}    receive    1    injected
    Should Be True    $injected[0]["_injected"]

Wss On Both Sides
    ${tls}=    Create Certificates
    Start Proxy For The Test    ${WSS}    certfile=${tls}[cert]    keyfile=${tls}[key]    verify=False
    Should Start With    ${PROXY_URL}    wss://
    Connect    ${PROXY_URL}/echo    alias=secure    ca_file=${tls}[ca]
    ${reply}=    Send And Receive    secure    over tls
    Should Be Equal    ${reply}    over tls
    ${verified}=    Start Proxy    ${WSS}    alias=verified
    Run Keyword And Expect Error    *HTTP 502*certificate*    Connect    ${verified}/echo

Bad Arguments Are Refused
    Run Keyword And Expect Error    *'upstream' must be a ws:// or wss:// URL*    Start Proxy    http://x
    Start Proxy For The Test    ${WS}
    Run Keyword And Expect Error    *already in use*    Start Proxy    ${WS}
    Run Keyword And Expect Error    *No proxy named 'other'*    Stop Proxy    other


*** Keywords ***
Greeting Should Show
    [Documentation]    The Node server's greeting names the ``path``, ``protocol`` and
    ...    ``token`` it was given, and the upstream's own host (the proxy rewrote ``Host``).
    [Arguments]    ${hello}    ${path}    ${protocol}    ${token}
    Should Be Equal    ${hello}[type]    hello
    Should Be Equal    ${hello}[path]    ${path}
    Should Be Equal    ${hello}[protocol]    ${protocol}
    Should Be Equal    ${hello}[token]    ${token}
    Should Be Equal    ${hello}[host]    ${NODE.split("//")[1]}
