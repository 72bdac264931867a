*** Settings ***
Documentation       Faults break a real conversation on purpose: each action, ``times``,
...                 `Remove Message Rules`, faults on the proxy's alias, marks in the history.
Resource            proxy.resource
Suite Setup         Start Node Upstream For The Suite
Suite Teardown      Stop Upstream Servers
Test Setup          Start Proxy For The Test    ${WS}
Test Teardown       Stop Proxy Test


*** Test Cases ***
Drop Keeps A Server Message From The Client But Not From The History
    Add Fault    proxy#1.upstream    $.n    ==    2    action=drop
    Connect    ${PROXY_URL}/push?count\=4&interval\=10    alias=client
    Get Message Count    proxy#1.upstream    ==    4
    Get Message Count    client    ==    3
    Should Not Receive    client    $.n    ==    2    within=100ms
    Receive    proxy#1.upstream    $[?(@.n == 2)].n    ==    2    last=4
    ${path}=    Save Conversation    proxy#1    ${OUTPUT_DIR}/proxy-dropped.har
    ${har}=    Read Har    ${path}
    ${dropped}=    Evaluate
    ...    [m["data"] for m in $har["log"]["entries"][0]["_webSocketMessages"] if m.get("_dropped")]
    Should Be Equal    ${dropped}    ${{['{"type": "tick", "n": 2}']}}

Drop From A Node Client Never Reaches The Server
    Add Fault    proxy    ==    secret    action=drop
    ${client}=    Start Node Client    ${PROXY_URL}/echo    secret    public
    Wait For Client    proxy
    Receive    proxy#1.upstream    ==    public
    Get Message Count    proxy#1    ==    2
    Get Message Count    proxy#1.upstream    ==    1
    Wait For Client Event    ${client}    message    data=public

Delay Holds A Message And Keeps The Order Behind It
    Add Fault    proxy#1    ==    first    action=delay    delay=1s
    Connect    ${PROXY_URL}/echo    alias=client
    Send    client    first
    Send    client    second
    Should Not Receive    client    within=250ms
    Get Message Count    client    ==    2
    ${both}=    Receive    client    last=2
    Should Be Equal    ${both}    ${{["first", "second"]}}

Duplicate Forwards Twice, As Often As Times Allows
    Add Fault    proxy#1    action=duplicate    times=1
    Connect    ${PROXY_URL}/echo    alias=client
    Send    client    twice
    Get Message Count    client    ==    2
    Send    client    once
    Receive    client    ==    once
    Should Not Receive    client    within=200ms
    Get Message Count    client    ==    3

Replace Forwards A Template Filled From The Message
    Add Fault    proxy    $.op    ==    buy    action=replace
    ...    message={"op": "buy", "qty": {{$.qty}}, "forged": true}
    Connect    ${PROXY_URL}/echo    alias=client
    ${forged}=    Send And Receive    client    {"op": "buy", "qty": 3}    $.forged
    Should Be True    ${forged}
    Receive    proxy#1    ==    {"op": "buy", "qty": 3}
    ${path}=    Save Conversation    proxy#1    ${OUTPUT_DIR}/proxy-replaced.har
    ${har}=    Read Har    ${path}
    ${sent}=    Find Har Messages    ${har}    send
    Should Be True    $sent[0]["_replaced"]
    Should Be Equal    ${sent}[0][_replacement]    {"op": "buy", "qty": 3, "forged": true}

Close Closes The Client With Its Code And The Server With 1001
    ${url}=    Start Proxy    ${NODE}    alias=nodeproxy
    Connect    ${NODE}/watcher    alias=watcher
    Receive    watcher    $.type    ==    hello
    Add Fault    nodeproxy#1.upstream    $.type    ==    hello    action=close    code=4001
    ...    reason=kicked
    ${client}=    Start Node Client    ${url}/
    Client Should See Close    ${client}    4001    kicked
    Receive    watcher    $.code    ==    1001
    Get Message Count    nodeproxy#1    ==    0
    Receive    nodeproxy#1.upstream    $.type    ==    hello

Remove Message Rules Removes A Fault
    ${fault}=    Add Fault    proxy#1    action=drop
    Connect    ${PROXY_URL}/echo    alias=client
    Send    client    lost
    Should Not Receive    client    within=200ms
    ${removed}=    Remove Message Rules    proxy#1    ${fault}
    Should Be Equal As Integers    ${removed}    1
    ${reply}=    Send And Receive    client    kept
    Should Be Equal    ${reply}    kept

A Fault On The Alias Acts On Both Directions Of Every Client
    Add Fault    proxy    ==    hidden    action=drop
    Connect    ${PROXY_URL}/echo    alias=first
    Connect    ${PROXY_URL}/echo    alias=second
    Send    second    hidden
    Send    proxy#1.upstream    hidden
    Send    proxy#1.upstream    visible
    Receive    first    ==    visible
    Should Not Receive    first    ==    hidden    within=100ms
    Get Message Count    proxy#2.upstream    ==    0
    Receive    proxy#1.upstream    ==    visible

Bad Faults Are Refused
    Run Keyword And Expect Error    *Faults work on a proxy's names*    Add Fault    ${WS}/echo
    ...    action=drop
    Run Keyword And Expect Error    *'action' must be one of drop, delay*    Add Fault    proxy
    ...    action=explode
    Run Keyword And Expect Error    *action=delay needs 'delay'*    Add Fault    proxy
    ...    action=delay
    Run Keyword And Expect Error    *action=replace needs 'message'*    Add Fault    proxy
    ...    action=replace
