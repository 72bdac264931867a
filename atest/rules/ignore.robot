*** Settings ***
Documentation       Ignore Messages: an ignored message never reaches the history, so windows,
...                 counts, waits and Should Not Receive never see it; Get Connection Info
...                 counts it apart. Each test uses its own connection name, because rules
...                 belong to a name and outlive its connections.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Test Cases ***
Ignored Heartbeats Never Appear In A Window
    Ignore Messages    window    $.type    ==    heartbeat
    Connect    ${NOISY}/noisy?count=5    alias=window
    Receive    window    $.type    ==    done
    ${window}=    Receive    window    last=10
    Length Should Be    ${window}    6
    Should Not Contain Match    ${window}    *heartbeat*
    Should Be Equal    ${window}[0]    {"type": "data", "n": 1}
    Should Be Equal    ${window}[4]    {"type": "data", "n": 5}
    Run Keyword And Expect Error    *timed out*
    ...    Receive    window    $[?(@.type == "heartbeat")]    last=10    timeout=0.3s

Get Connection Info Counts Ignored Messages Apart From Received Ones
    Ignore Messages    counted    $.type    ==    heartbeat
    Connect    ${NOISY}/noisy?count=4    alias=counted
    # The server waits for the answers to its four ping frames before sending "done".
    Receive    counted    $.pongs    ==    4
    ${info}=    Get Connection Info    counted
    Should Be Equal As Integers    ${info}[ignored]    5
    Should Be Equal As Integers    ${info}[received]    5
    ${count}=    Get Message Count    counted
    Should Be Equal As Integers    ${count}    5
    ${heartbeats}=    Get Message Count    counted    $[?(@.type == "heartbeat")]
    Should Be Equal As Integers    ${heartbeats}    0

Waiting Keywords Never See Ignored Messages Arriving While They Wait
    Ignore Messages    beating    $.type    ==    heartbeat
    Connect    ${NOISY}/noisy?count=1&beat=50    alias=beating
    Receive    beating    $.type    ==    done
    Should Not Receive    beating    $.type    ==    heartbeat    within=1s
    Should Not Receive    beating    within=0.5s
    Run Keyword And Expect Error    *timed out*
    ...    Receive    beating    $.type    ==    heartbeat    timeout=0.5s
    Run Keyword And Expect Error    *timed out*
    ...    Get Message Count    beating    $[?(@.type == "heartbeat")]    >=    1    timeout=0.5s
    ${info}=    Get Connection Info    beating
    Should Be True    $info["ignored"] >= 10    the server sends a heartbeat every 50 ms
    Should Be Equal As Integers    ${info}[received]    2

Without The Rule The Same Wait Sees The Heartbeats
    Connect    ${NOISY}/noisy?count=1&beat=50    alias=unfiltered
    Receive    unfiltered    $.type    ==    done    last=50
    Run Keyword And Expect Error    *heartbeat*
    ...    Should Not Receive    unfiltered    $.type    ==    heartbeat    within=1s
    ${info}=    Get Connection Info    unfiltered
    Should Be Equal As Integers    ${info}[ignored]    0

A Rule Set On An Open Connection Ignores What Arrives Next
    Connect    ${NOISY}/record    alias=live
    Ignore Messages    live    regex=^keepalive$
    Ignore Messages    live    $[?(@.type == "heartbeat")]
    Send    live
    ...    {"op": "send", "messages": ["keepalive", {"type": "heartbeat"}, "keepalive, but longer", {"type": "data"}, "keepalive", {"type": "end"}]}
    Receive    live    $.type    ==    end
    ${window}=    Receive    live    last=10
    Should Be Equal    ${window}    ${{["keepalive, but longer", '{"type": "data"}', '{"type": "end"}']}}
    ${info}=    Get Connection Info    live
    Should Be Equal As Integers    ${info}[ignored]    3
    Should Be Equal As Integers    ${info}[received]    3
