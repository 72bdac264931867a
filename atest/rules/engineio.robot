*** Settings ***
Documentation       A raw connection (no protocol) to python-socketio's Engine.IO endpoint:
...                 the server pings with "2" every second and drops a client that has not
...                 answered "3" within a second; a reply rule answers while the test sleeps.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Test Cases ***
Without An Answer To Its Pings The Server Drops The Client
    Connect    ${ENGINE_IO}    alias=unanswered
    Receive    unanswered    regex=^0\\{"sid"
    ${close}=    Wait Until Closed    unanswered    timeout=6s
    Should Be Equal As Integers    ${close}[code]    1000

A Reply Rule Keeps A Raw Engine IO Connection Open
    ${c}=    Connect    ${ENGINE_IO}
    Reply To Messages    ${c}    regex=^2$    reply=3
    # Idle on purpose: the server would drop a silent client after about 2 s.
    Sleep    5s
    ${info}=    Get Connection Info    ${c}
    Should Be Equal    ${info}[state]    open
    Should Be True    $info["auto_sent"] >= 4    ${info}
    ${pings}=    Get Message Count    ${c}    regex=^2$
    Should Be True    $pings >= $info["auto_sent"]    ${pings} pings, ${info}[auto_sent] replies
    # The session still works: the namespace connects and an event comes back.
    Send And Receive    ${c}    40    regex=^40\\{"sid"
    ${echo}=    Send And Receive    ${c}    42["echo","hi"]    regex=^42(.*)$    ==    ["echo","hi"]
    Should Be Equal    ${echo}    ["echo","hi"]
