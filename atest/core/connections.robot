*** Settings ***
Documentation       Connect, names, aliases, headers, subprotocols, info, and connect errors.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Test Cases ***
Connect Returns The URL As The Name
    ${name}=    Connect    ${WS}/echo
    Should Be Equal    ${name}    ${WS}/echo
    ${info}=    Get Connection Info    ${WS}/echo
    Should Be Equal    ${info}[state]    open
    Should Be Equal    ${info}[url]    ${WS}/echo
    Should Be Equal    ${info}[alias]    ${None}

Query Strings Name Different Connections
    Connect    ${WS}/echo?userId=1
    Connect    ${WS}/echo?userId=2
    Send    ${WS}/echo?userId=1    one
    Send    ${WS}/echo?userId=2    two
    Receive    ${WS}/echo?userId=1    regex=.*    ==    one
    Receive    ${WS}/echo?userId=2    regex=.*    ==    two

Aliases Open The Same URL Twice
    ${alice}=    Connect    ${WS}/chat    alias=alice
    ${bob}=    Connect    ${WS}/chat    alias=bob
    Should Be Equal    ${bob}    bob
    Should Be Equal    ${alice}    alice
    Send    alice    hi bob
    ${got}=    Receive    bob
    Should Be Equal    ${got}    hi bob
    ${info}=    Get Connection Info    bob
    Should Be Equal    ${info}[alias]    bob

A Connection Opened With An Alias Is Named By The Alias Only
    Connect    ${WS}/echo?by-alias    alias=mine
    Run Keyword And Expect Error    No connection named '${WS}/echo?by-alias'. Open connections: mine.
    ...    Receive    ${WS}/echo?by-alias

Headers Are Sent With The Upgrade Request
    &{headers}=    Create Dictionary    X-Test-Id=abc-123    Authorization=Bearer good-token
    Connect    ${WS}/headers    headers=${headers}
    ${got}=    Receive    ${WS}/headers    $['X-Test-Id']
    Should Be Equal    ${got}    abc-123

Headers As A Literal Dictionary
    Connect    ${WS}/headers    headers={"X-Literal": "yes"}
    Receive    ${WS}/headers    $['X-Literal']    ==    yes

Authorized Upgrade Succeeds
    &{auth}=    Create Dictionary    Authorization=Bearer good-token
    Connect    ${WS}/auth    headers=${auth}
    ${info}=    Get Connection Info    ${WS}/auth
    Should Be Equal    ${info}[state]    open

Rejected Upgrade Gives The Status And The Body
    Run Keyword And Expect Error
    ...    Connecting to ${WS}/auth failed: the server rejected the upgrade with HTTP 401 Unauthorized: Unauthorized: a valid bearer token is required
    ...    Connect    ${WS}/auth

Other HTTP Statuses Are Reported As Numbers
    Run Keyword And Expect Error    *HTTP 403*    Connect    ${WS}/status/403
    Run Keyword And Expect Error    *HTTP 404*    Connect    ${WS}/status/404
    Run Keyword And Expect Error    *HTTP 500*    Connect    ${WS}/status/500

Subprotocol Is Negotiated
    @{offered}=    Create List    chat.v1    chat.v2
    Connect    ${WS}/echo    subprotocols=${offered}
    ${info}=    Get Connection Info    ${WS}/echo
    Should Be Equal    ${info}[subprotocol]    chat.v2

No Subprotocol When None Is Offered
    Connect    ${WS}/echo
    ${info}=    Get Connection Info    ${WS}/echo
    Should Be Equal    ${info}[subprotocol]    ${None}

Connection Info Has Every Field
    Connect    ${WS}/echo    compression=False
    Send    ${WS}/echo    one
    Receive    ${WS}/echo
    ${info}=    Get Connection Info    ${WS}/echo
    Should Be Equal As Integers    ${info}[received]    1
    Should Be Equal As Integers    ${info}[sent]    1
    Should Be True    0 < ${info}[connect_time] < 5
    Dictionary Should Contain Key    ${info}[response_headers]    Sec-WebSocket-Accept
    Should Be Equal    ${info}[close_code]    ${None}
    Dictionary Should Not Contain Key    ${info}[response_headers]    Sec-WebSocket-Extensions

Compression Is Offered By Default
    Connect    ${WS}/echo
    ${info}=    Get Connection Info    ${WS}/echo
    Should Contain    ${info}[response_headers][Sec-WebSocket-Extensions]    permessage-deflate

Connecting A Name That Is Open Fails
    Connect    ${WS}/echo
    Run Keyword And Expect Error
    ...    Connection '${WS}/echo' is already open. Disconnect it first, or give another 'alias'.
    ...    Connect    ${WS}/echo

Connect Reopens A Closed Name With A New History
    Connect    ${WS}/echo
    Send And Receive    ${WS}/echo    first
    Disconnect    ${WS}/echo
    Connect    ${WS}/echo
    ${count}=    Get Message Count    ${WS}/echo
    Should Be Equal As Integers    ${count}    0
    ${reply}=    Send And Receive    ${WS}/echo    second
    Should Be Equal    ${reply}    second

Unknown Names Fail In Every Keyword And List The Open Ones
    Connect    ${WS}/echo    alias=known
    FOR    ${keyword}    IN    Receive    Disconnect    Wait Until Closed    Get Connection Info
    ...    Clear Messages    Get Message Count    Should Not Receive
        Run Keyword And Expect Error    No connection named 'nope'. Open connections: known.
        ...    ${keyword}    nope
    END
    Run Keyword And Expect Error    No connection named 'nope'. Open connections: known.
    ...    Send    nope    hello

A Proxy Carries The Connection
    [Documentation]    Only the proxy can resolve through-proxy.test.
    Connect    ${PROXIED}/echo    proxy=${PROXY}
    ${reply}=    Send And Receive    ${PROXIED}/echo    via the proxy
    Should Be Equal    ${reply}    via the proxy
    Run Keyword And Expect Error    *cannot resolve the host name*    Connect    ${PROXIED}/echo?direct

Pings From The Server Are Answered While The Test Waits
    [Documentation]    The server drops a client that leaves its pings unanswered for 0.5 s.
    Connect    ${PING}/echo    ping_interval=0
    Should Not Receive    ${PING}/echo    within=1.5s
    ${reply}=    Send And Receive    ${PING}/echo    still here
    Should Be Equal    ${reply}    still here
    ${info}=    Get Connection Info    ${PING}/echo
    Should Be Equal    ${info}[state]    open

Refused Connection
    Run Keyword And Expect Error    Connecting to ws://127.0.0.1:1/x failed: connection refused.
    ...    Connect    ws://127.0.0.1:1/x

DNS Failure
    Run Keyword And Expect Error
    ...    Connecting to ws://no-such-host.invalid/x failed: cannot resolve the host name (DNS)*
    ...    Connect    ws://no-such-host.invalid/x

Connect Timeout
    Run Keyword And Expect Error    Connecting to ${HANG}/x timed out after 0.5 s.
    ...    Connect    ${HANG}/x    timeout=0.5s

URLs That Are Not WebSocket URLs Fail Clearly
    Run Keyword And Expect Error
    ...    Invalid URL 'http://127.0.0.1/x': the scheme must be ws:// or wss://, not http://.
    ...    Connect    http://127.0.0.1/x
    Run Keyword And Expect Error    Invalid URL 'ws://': it has no host.    Connect    ws://
    Run Keyword And Expect Error    Invalid URL 'ws://127.0.0.1:99999/x': *    Connect    ws://127.0.0.1:99999/x
    Run Keyword And Expect Error    Invalid URL 'localhost:80': *    Connect    localhost:80
