*** Settings ***
Documentation       A mock STOMP server against @stomp/stompjs 7 (on ws): two clients at once,
...                 a SEND answered by a rule, MESSAGEs to subscribers, heart-beats.
Resource            protocol_clients.resource
Test Teardown       Stop Clients And Servers


*** Variables ***
${ANSWER}       {"command": "MESSAGE", "headers": {"destination": "/topic/news"}, "body": {"order": {{$.body.id}}, "status": "accepted"}}
${INIT}         {"heart-beat": "300,300", "server": "mock/1"}


*** Test Cases ***
Two Stompjs Clients, A Rule Answers Their SEND, Send To The Server Reaches Subscribers
    ${url}=    Start Mock Server    alias=stomp    protocol=stomp    init=${INIT}
    Reply To Messages    stomp    $.command    ==    SEND    reply=${ANSWER}
    ${first}=    Start Official Client    stomp    ${url}/ws    stay=3s
    ${second}=    Start Official Client    stomp    ${url}/ws    stay=3s
    Wait For Client    stomp
    Wait For Client    stomp
    Mock Client Should Have Sent An Order    stomp#1
    Mock Client Should Have Sent An Order    stomp#2
    Client Should Have Its Receipt And The Answer    ${first}
    Client Should Have Its Receipt And The Answer    ${second}
    Mock Sends To Subscribers And Asks For An ACK
    # Heart-beats every 300 ms both ways: the clients stay up and nothing enters a history.
    Sleep    1s
    Client Should Have Stayed Up With Heart-beats    ${first}
    Client Should Have Stayed Up With Heart-beats    ${second}
    ${commands}=    Receive    stomp#1    $[*].command    last=20    all=True
    Should Be Equal    ${commands}    ${{["SUBSCRIBE", "SEND", "ACK", "ACK", "ACK", "DISCONNECT"]}}


*** Keywords ***
Mock Sends To Subscribers And Asks For An ACK
    [Documentation]    A MESSAGE to every client subscribed to /topic/news (both), one to
    ...    /topic/other (nobody), and one to stomp#1 that waits for its ACK.
    Send    stomp    {"command": "MESSAGE", "headers": {"destination": "/topic/news"}, "body": {"flash": true}}
    Send    stomp    {"command": "MESSAGE", "headers": {"destination": "/topic/other"}, "body": "x"}
    Request    stomp#1    {"headers": {"destination": "/topic/news"}, "body": "ack me"}    $.command    ==    ACK

Mock Client Should Have Sent An Order
    [Documentation]    ``name`` sent the order, and its session is its CONNECT headers, masked.
    [Arguments]    ${name}
    Receive    ${name}    $[?(@.command == "SEND")].body.id    ==    7    last=10
    ${info}=    Get Connection Info    ${name}
    Should Be Equal    ${info}[subprotocol]    v12.stomp
    Should Be Equal    ${info}[session][login]    guest
    Should Be Equal    ${info}[session][passcode]    ***

Client Should Have Its Receipt And The Answer
    [Documentation]    ``client`` got its RECEIPT and the rule's MESSAGE on its subscription.
    [Arguments]    ${client}
    ${receipt}=    Wait For Client Line    ${client}    receipt
    Should Be Equal    ${receipt}[headers][receipt-id]    r-1
    ${answer}=    Wait For Client Line    ${client}    message
    Should Be Equal    ${answer}[headers][subscription]    sub-0
    Should Be Equal    ${{json.loads($answer["body"])}}    ${{{"order": 7, "status": "accepted"}}}

Client Should Have Stayed Up With Heart-beats
    [Documentation]    ``client`` stayed connected, sent and got heart-beats, got the flash
    ...    and not the message to a destination it did not subscribe to.
    [Arguments]    ${client}
    Client Should Have Stayed Up    ${client}
    ...    $done["connected"] and $done["beats"]["sent"] >= 3 and $done["beats"]["received"] >= 3
    ${messages}=    Get Client Lines    ${client}    message
    ${bodies}=    Evaluate    [m["body"] for m in $messages]
    Should Contain    ${bodies}    {"flash": true}
    Should Not Contain    ${bodies}    x
    IF    $client.endswith("-1")    Should Be Equal    ${bodies}[-1]    ack me
