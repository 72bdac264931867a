*** Settings ***
Documentation       Mock servers with an AsyncAPI document (``Start Mock Server ... asyncapi=``)
...                 against real clients: Node's ``ws`` and Python's ``websocket-client``.
Resource            ../resources/clients/mock_clients.resource
Library             ../resources/ContractServers.py
Test Setup          Start Mock Server For The Test    alias=kraken    asyncapi=${KRAKEN_DOC}
Test Teardown       Stop Clients And Servers


*** Variables ***
${KRAKEN_DOC}       ${CURDIR}/../resources/asyncapi/kraken-websocket-request-reply-multiple-channels-asyncapi.yml
${SUBSCRIBE}        {"event": "subscribe", "reqid": 42, "pair": ["XBT/USD"], "subscription": {"name": "ticker"}}
${UNSUBSCRIBE}      {"event": "unsubscribe", "reqid": 43, "pair": ["XBT/USD"], "subscription": {"name": "ticker"}}


*** Test Cases ***
The Mock Server Answers From The Reply's Example With The Correlation Id Copied
    ${node}=    Start Node Client    ${MOCK_URL}/    ${SUBSCRIBE}
    ${event}=    Wait For Client Event    ${node}    message
    ${answer}=    Evaluate    json.loads($event["data"])    modules=json
    Should Be Equal    ${answer}[event]    subscriptionStatus
    Should Be Equal As Integers    ${answer}[reqid]    42
    # The rest is the document's first example, as it is.
    Should Be Equal    ${answer}[channelName]    ohlc-5
    ${client}=    Wait For Client    kraken
    ${coverage}=    Get Contract Coverage    ${client}
    Should Be Equal As Integers    ${coverage}[operations][subscribe]    1
    Should Be Equal As Integers    ${coverage}[violations]    0

The Server's Rules Go First And The Document Answers What They Leave
    Reply To Messages    kraken    $.event    ==    subscribe    reply={"event": "ruled", "reqid": {{$.reqid}}}
    ${python}=    Start Python Client    ${MOCK_URL}/    ${SUBSCRIBE}    ${UNSUBSCRIBE}
    Wait For Client Event    ${python}    message    {"event": "ruled", "reqid": 42}
    ${client}=    Wait For Client    kraken
    Receive    ${client}    $.event    ==    unsubscribe
    ${messages}=    Wait Until Keyword Succeeds    5s    50ms    Client Should Have Messages    ${python}    2
    ${answer}=    Evaluate    json.loads($messages[1])    modules=json
    Should Be Equal    ${answer}[event]    subscriptionStatus
    Should Be Equal As Integers    ${answer}[reqid]    43
    [Teardown]    Remove The Rules And Stop

A Reply Message Without An Example Is Not Answered And Warns Once
    Start Collecting Warnings
    ${node}=    Start Node Client    ${MOCK_URL}/    {"event": "ping", "reqid": 1}    {"event": "ping", "reqid": 2}    ${SUBSCRIBE}
    # The subscribe is answered, so both pings went before it.
    Wait For Client Event    ${node}    message
    ${client}=    Wait For Client    kraken
    Receive    ${client}    $.event    ==    subscribe
    ${messages}=    Get Client Messages    ${node}
    Length Should Be    ${messages}    1
    Should Contain    ${messages}[0]    subscriptionStatus
    ${warnings}=    Get Warnings
    Length Should Be    ${warnings}    1
    Should Match    ${warnings}[0]    *operation receivePing of *kraken*.yml has a reply (pong) without an example, so the mock server does not answer it*

A Client Message That Breaks The Document Fails The Next Keyword On That Client
    ${node}=    Start Node Client    ${MOCK_URL}/    {"event": "subscribe", "pair": "XBT/USD"}
    ${client}=    Wait For Client    kraken
    Run Keyword And Expect Error
    ...    *What 'kraken#1' received breaks the AsyncAPI contract of *:\n#1 received: closest subscribe: /pair: 'XBT/USD' is not of type 'array'*
    ...    Receive    ${client}    $.event    ==    subscribe
    Wait For Client Event    ${node}    open

Send To A Client Is Checked As What The Document's Server Sends
    ${node}=    Start Node Client    ${MOCK_URL}/
    ${client}=    Wait For Client    kraken
    Send    ${client}    {"event": "heartbeat"}
    Wait For Client Event    ${node}    message    {"event": "heartbeat"}
    Run Keyword And Expect Error
    ...    Nothing was sent on 'kraken#1': the message breaks the AsyncAPI contract of *:\n#2 sent: closest pong: /event: 'pong' was expected
    ...    Send    ${client}    {"event": "ping", "reqid": 1}
    # To every client of the server alike.
    Run Keyword And Expect Error    Nothing was sent on 'kraken#1'*
    ...    Send    kraken    {"event": "ping", "reqid": 1}

The Document's Own Example Breaks Its Schema
    # The library as both sides: its mock server answers with the published example, and
    # its client, holding the same document, reports that example.
    Connect    ${MOCK_URL}/    alias=client    asyncapi=${KRAKEN_DOC}
    Send    client    ${SUBSCRIBE}
    Run Keyword And Expect Error
    ...    *#1 received: closest subscriptionStatus: /pair: 'XBT/EUR' is not of type 'array'; /status: 'unsubscribed' is not one of*
    ...    Receive    client    $.event    ==    subscriptionStatus


*** Keywords ***
Client Should Have Messages
    [Documentation]    Fails unless ``client`` has received ``count`` messages; returns them.
    [Arguments]    ${client}    ${count}
    ${messages}=    Get Client Messages    ${client}
    Length Should Be    ${messages}    ${count}
    RETURN    ${messages}

Remove The Rules And Stop
    [Documentation]    Rules belong to the name ``kraken`` and outlive its server: remove them.
    Remove Message Rules    kraken
    Stop Clients And Servers
