*** Settings ***
Documentation       Replay Conversation sends a recording again and compares the replies; a mock
...                 server serves a recording to a real client.
Resource            proxy.resource
Suite Teardown      Stop Upstream Servers
Test Teardown       Stop Proxy Test


*** Variables ***
${CHROME_HAR}       ${CURDIR}/../resources/har/chrome_echo.har


*** Test Cases ***
A Saved Conversation Replays Against The Same Server
    Connect    ${WS}/echo    alias=recorded
    Send And Receive    recorded    {"op": "place", "qty": 2}
    Send And Receive    recorded    plain text
    ${path}=    Save Conversation    recorded    ${OUTPUT_DIR}/replay-echo.har
    Connect    ${WS}/echo    alias=again
    ${compared}=    Replay Conversation    ${path}    again
    Should Be Equal As Integers    ${compared}    2
    Receive    again    $.qty    ==    2    last=2

A Replay Fails With The First Differences
    Connect    ${WS}/echo    alias=recorded
    Send And Receive    recorded    {"op": "place", "qty": 2, "id": "a"}
    ${path}=    Save Conversation    recorded    ${OUTPUT_DIR}/replay-differs.har
    ${har}=    Read Har    ${path}
    Evaluate    $har["log"]["entries"][0]["_webSocketMessages"][1].update(data='{"op": "place", "qty": 3, "id": "b"}')
    ${changed}=    Evaluate    json.dumps($har)
    Create File    ${OUTPUT_DIR}/replay-changed.har    ${changed}
    Connect    ${WS}/echo    alias=again
    Run Keyword And Expect Error
    ...    *differs from the recording:\nmessage 1, $.qty: recorded 3, received 2\nmessage 1, $.id: recorded "b", received "a"
    ...    Replay Conversation    ${OUTPUT_DIR}/replay-changed.har    again
    Connect    ${WS}/silent    alias=silent
    Run Keyword And Expect Error    *message 1: recorded*received nothing (timed out after 0.3 s)*
    ...    Replay Conversation    ${path}    silent    timeout=0.3s

A Browser's Recording Replays With Its Timestamps Ignored
    Connect    ${WS}/echo    alias=browser-replay
    Run Keyword And Expect Error    *message 1, $.ts: recorded 1747213923707, received 1747213923706*
    ...    Replay Conversation    ${CHROME_HAR}    browser-replay
    Connect    ${WS}/echo    alias=browser-again
    ${compared}=    Replay Conversation    ${CHROME_HAR}    browser-again    ignore=$.ts
    Should Be Equal As Integers    ${compared}    3
    ${bytes}=    Receive    browser-again
    Should Be Equal    ${bytes}    ${{b"\x00\x01\xff"}}

A Replay Through The Proxy Is Recorded On Both Sides
    Start Proxy For The Test    ${WS}
    Connect    ${PROXY_URL}/echo    alias=through
    ${compared}=    Replay Conversation    ${CHROME_HAR}    through    ignore=${{["$.ts"]}}
    Should Be Equal As Integers    ${compared}    3
    Get Message Count    proxy#1    ==    3
    Get Message Count    proxy#1.upstream    ==    3

A Mock Server Serves A Recording To A Node Client
    ${url}=    Start Mock Server    replay=${CHROME_HAR}    replay_timing=fast
    ${client}=    Start Node Client    ${url}/    {"op":"subscribe","channel":"orders","ts":1747213923706}
    ...    pong
    ${name}=    Wait For Client
    Wait For Client Event    ${client}    message
    ...    data={"ts":1747213923707,"channel":"orders","op":"subscribe"}
    Wait For Client Event    ${client}    message    data=ping
    Receive    ${name}    ==    pong
    ${info}=    Get Connection Info    ${name}
    Should Be Equal As Integers    ${info}[replay_mismatches]    1

A Mock Server Keeps The Recorded Gaps
    ${url}=    Start Mock Server    replay=${CHROME_HAR}
    Connect    ${url}    alias=timed
    Send    timed    {"channel": "orders", "op": "subscribe", "ts": 1747213923706}
    Receive    timed    $.op    ==    subscribe
    ${sent}=    Evaluate    time.monotonic()
    Send    timed    ping
    Receive    timed    ==    ping
    # The recording's server answered "ping" 0.4 s after it was sent.
    ${gap}=    Evaluate    time.monotonic() - ${sent}
    Should Be True    0.35 <= ${gap} < 2    The reply came after ${gap} s, not the recorded 0.4 s.
    ${bytes}=    Convert To Bytes    \x00\x01\xff
    Send    timed    ${bytes}
    Get Message Count    timed    ==    3
    ${echoed}=    Receive    timed
    Should Be Equal    ${echoed}    ${bytes}
    ${info}=    Get Connection Info    mock#1
    Should Be Equal As Integers    ${info}[replay_mismatches]    0

Bad Recordings And Arguments Are Refused
    Connect    ${WS}/echo    alias=client
    Create File    ${OUTPUT_DIR}/not-a-har.json    {"log": {"entries": []}}
    Run Keyword And Expect Error    *is not a conversation file*
    ...    Replay Conversation    ${OUTPUT_DIR}/not-a-har.json    client
    Run Keyword And Expect Error    *'ignore' takes JSONPaths starting with '$'*
    ...    Replay Conversation    ${CHROME_HAR}    client    ignore=ts
    Run Keyword And Expect Error    *'replay_timing' must be recorded or fast*
    ...    Start Mock Server    replay=${CHROME_HAR}    replay_timing=slow
