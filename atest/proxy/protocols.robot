*** Settings ***
Documentation       A protocol conversation passes through the proxy untouched: the library's
...                 Socket.IO client through the proxy to python-socketio; and a browser page.
Resource            proxy.resource
Suite Teardown      Stop Upstream Servers
Test Teardown       Stop Proxy Test


*** Variables ***
${BROWSER_TIMEOUT}      30s


*** Test Cases ***
A Socket IO Session Passes Through Untouched
    ${http}=    Start Socket Io Server
    Start Proxy For The Test    ${http.replace("http://", "ws://")}
    Connect    ${PROXY_URL}/    protocol=socketio    alias=sio
    ${sum}=    Request    sio    {"event": "add", "args": [2, 3]}    $.args[0].sum
    Should Be Equal As Integers    ${sum}    5
    ${info}=    Get Connection Info    proxy#1
    Should Be Equal    ${info}[path]    /socket.io/?EIO=4&transport=websocket
    # Both sides hold the Engine.IO frames exactly as they were on the wire.
    Receive    proxy#1.upstream    regex=^0\\{"sid"    last=10
    Receive    proxy#1    regex=^40    last=10
    Receive    proxy#1    regex=^42\\d+\\["add",2,3\\]$    last=10
    Receive    proxy#1.upstream    regex=^43\\d+\\[\\{"sum":5\\}\\]$    last=10

A Browser Page Talks Through The Proxy
    Start Proxy For The Test    ${WS}/silent
    ${browser}=    Start Browser Client    ${PROXY_URL}/
    ${name}=    Wait For Client    proxy    timeout=${BROWSER_TIMEOUT}
    Receive    ${name}    ==    hello from browser
    Send    ${name}    ping from robot
    Receive    ${name}    ==    browser got: ping from robot
    Wait For Client Event    ${browser}    message    data=ping from robot
    ${info}=    Get Connection Info    ${name}.upstream
    ${agent}=    Header Value    ${info}[request_headers]    User-Agent
    Should Contain    ${agent}    Chrome
