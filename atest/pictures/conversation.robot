*** Settings ***
Documentation       Log Conversation draws a conversation into log.html as a picture: a lane
...                 per side, an arrow per message in time order, labels, and marks for what
...                 the library did by itself, ignored messages and undecodable frames; a
...                 failing receiving keyword adds the picture of the window it examined.
Library             RobotWebSocket    buffer_size=5    AS    Small
Library             ../resources/Pictures.py
Resource            ../resources/common.resource
Suite Setup         Set Library Search Order    RobotWebSocket
Test Setup          Forget Pictures
Test Teardown       Disconnect All


*** Test Cases ***
One Arrow Per Message Between The Client And Its Server
    Connect    ${WS}/echo
    FOR    ${n}    IN RANGE    3
        Send And Receive    ${WS}/echo    {"type": "order", "n": ${n}}
    END
    Log Conversation    ${WS}/echo
    ${picture}=    Last Picture
    Length Should Be    ${picture}[arrows]    6
    Should Be Equal    ${picture}[kinds]    ${{["sent", "received"] * 3}}
    Should Be Equal    ${picture}[lanes]    ${{[$WS + "/echo", $WS]}}
    Should Contain    ${picture}[labels][0]    {"type": "order", "n": 0}

Labels From A JSONPath And At Most Last Arrows
    Connect    ${WS}/echo
    FOR    ${n}    IN RANGE    5
        Send And Receive    ${WS}/echo    {"type": "tick", "n": ${n}}
    END
    Log Conversation    ${WS}/echo    last=4    label=$.n
    ${picture}=    Last Picture
    Should Be Equal    ${picture}[labels]    ${{["3", "3", "4", "4"]}}

Rule Replies And Ignored Messages Are Drawn Distinctly
    Reply To Messages    ${WS}/echo    $.type    ==    ping    reply={"type": "ping-reply"}
    Ignore Messages    ${WS}/echo    $.type    ==    ping-reply
    Connect    ${WS}/echo
    # The rule replies as the ping's echo arrives, before this keyword returns: the reply
    # is on the wire before "last", so its echo comes back before the echo of "last".
    Send And Receive    ${WS}/echo    {"type": "ping"}
    Send    ${WS}/echo    {"type": "last"}
    Receive    ${WS}/echo    $.type    ==    last
    Log Conversation    ${WS}/echo    label=$.type
    ${picture}=    Last Picture
    ${drawn}=    Evaluate    sorted(a["label"] + " " + a["kind"] for a in $picture["arrows"])
    Should Be Equal    ${drawn}
    ...    ${{sorted(["ping sent", "ping received", "ping-reply auto", "ping-reply ignored", "last sent", "last received"])}}
    [Teardown]    Remove Rules And Disconnect    ${WS}/echo

An Undecodable Frame Is Drawn As Such
    ${url}=    Start Mock Server    alias=csms    subprotocols=${{["ocpp1.6"]}}
    Connect    ${url}/CP-1    protocol=ocpp1.6
    ${client}=    Wait For Client    csms
    Send    ${client}    not an OCPP array
    Receive    ${url}/CP-1    $.type    ==    undecodable
    Log Conversation    ${url}/CP-1
    ${picture}=    Last Picture
    Should Be Equal    ${picture}[kinds]    ${{["undecodable"]}}
    # The mock server's side: the client and the mock server as lanes.
    Log Conversation    ${client}
    ${picture}=    Last Picture
    Should Be Equal    ${picture}[lanes]    ${{[$client, "csms"]}}
    Should Be Equal    ${picture}[kinds]    ${{["sent"]}}

Two Connections In One Picture
    Connect    ${WS}/echo    alias=alice
    Connect    ${WS}/echo    alias=bob
    Send    alice    hello from alice
    Receive    alice    ==    hello from alice
    Send    bob    hello from bob
    Receive    bob    ==    hello from bob
    Log Conversation    alice    bob
    ${picture}=    Last Picture
    Should Be Equal    ${picture}[lanes]    ${{["alice", $WS, "bob"]}}
    Should Be Equal    ${picture}[labels]    ${{["hello from alice"] * 2 + ["hello from bob"] * 2}}

A Failing Receive Logs The Picture Of Its Window
    Connect    ${WS}/echo
    Send And Receive    ${WS}/echo    {"status": "NEW"}
    Send And Receive    ${WS}/echo    {"status": "PARTIAL"}
    Run Keyword And Expect Error    *timed out*
    ...    Receive    ${WS}/echo    $.status    ==    FILLED    last=2    timeout=0.2s
    ${picture}=    Last Picture
    Should Contain    ${picture}[title]    examined
    # The two messages examined, and what was sent between them.
    Should Be Equal    ${picture}[labels]    ${{["NEW", "PARTIAL", "PARTIAL"]}}
    Should Be Equal    ${picture}[kinds]    ${{["received", "sent", "received"]}}
    # A few KB of markup, not a page.
    Should Be True    ${picture}[size] < 8000

Secrets Are Masked In The Picture
    ${token}=    Set Variable    tok-9f2c4e
    Connect    ${WS}/echo?token=${token}
    Send    ${WS}/echo?token=${token}    {"Authorization": "Bearer ${token}"}
    Receive    ${WS}/echo?token=${token}
    Log Conversation    ${WS}/echo?token=${token}
    ${picture}=    Last Picture
    Should Not Contain    ${picture}[markup]    ${token}

Messages The History Dropped Are One Note
    Small.Connect    ${WS}/push?count=8
    Small.Get Message Count    ${WS}/push?count=8    ==    5
    Small.Receive    ${WS}/push?count=8    $.n    ==    8
    Small.Log Conversation    ${WS}/push?count=8
    ${picture}=    Last Picture
    Should Be Equal    ${picture}[kinds]    ${{["dropped"] + ["received"] * 5}}
    Should Contain    ${picture}[labels][0]    3 older message(s) were dropped
    [Teardown]    Small.Disconnect All


*** Keywords ***
Remove Rules And Disconnect
    [Documentation]    Rules belong to the name and would outlive the test.
    [Arguments]    ${name}
    Remove Message Rules    ${name}
    Disconnect All
