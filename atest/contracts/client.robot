*** Settings ***
Documentation       AsyncAPI contracts on client connections: ``Connect ... asyncapi=``, checked
...                 against servers that behave as the specification's Kraken and Gemini example
...                 documents say (``?break=1`` breaks them, ``?real=1`` speaks as the real APIs,
...                 which the published documents reject).
Resource            ../resources/common.resource
Library             String
Library             ../resources/ContractServers.py
Suite Setup         Start Contract Servers
Suite Teardown      Stop Everything


*** Variables ***
${DOCS}             ${CURDIR}/../resources/asyncapi
${KRAKEN_DOC}       ${DOCS}/kraken-websocket-request-reply-multiple-channels-asyncapi.yml
${GEMINI_DOC}       ${DOCS}/websocket-gemini-asyncapi.yml
${GEMINI_26}        ${DOCS}/v2.6.0/websocket-gemini.yml
${SUBSCRIBE}        {"event": "subscribe", "reqid": 7, "pair": ["XBT/USD"], "subscription": {"name": "ticker"}}
# The enum as a pattern: brackets would be a character class there.
${STATUS_ENUM}      ?'online', 'maintenance', 'cancel_only', 'limit_only', 'post_only'?


*** Test Cases ***
A Conversation That Keeps The Document Passes And Is Counted In The Coverage
    Connect    ${KRAKEN}/    alias=kraken    asyncapi=${KRAKEN_DOC}
    Send    kraken    ${SUBSCRIBE}
    Receive    kraken    $.event    ==    heartbeat
    ${checked}=    Validate Messages    kraken
    # One sent; systemStatus, subscriptionStatus, three currencyInfo and heartbeat received.
    Should Be Equal As Integers    ${checked}    7
    ${coverage}=    Get Contract Coverage    kraken
    Should Be Equal As Integers    ${coverage}[violations]    0
    Should Be Equal As Integers    ${coverage}[messages][heartbeat]    1
    Should Be Equal As Integers    ${coverage}[messages][dummyCurrencyInfo]    3
    Should Be Equal As Integers    ${coverage}[messages][subscriptionStatus]    1
    Should Be True    ${coverage}[operations][subscribe] > 0
    Should Be Equal As Integers    ${coverage}[operations][systemStatus]    1
    Should Contain    ${coverage}[uncovered]    receivePing
    Should Contain    ${coverage}[uncovered]    unsubscribe
    Should Not Contain    ${coverage}[uncovered]    subscribe

A Received Message That Breaks The Document Fails The Keyword Waiting On The Connection
    Connect    ${KRAKEN}/?break=1    alias=broken    asyncapi=${KRAKEN_DOC}
    Send    broken    ${SUBSCRIBE}
    Run Keyword And Expect Error
    ...    *breaks the AsyncAPI contract*\n#2 received: closest subscriptionStatus: /status: 'subscribd' is not one of ${STATUS_ENUM}
    ...    Receive    broken    $.event    ==    heartbeat
    # Reported once: the connection goes on.
    Receive    broken    $.event    ==    heartbeat
    ${coverage}=    Get Contract Coverage    broken
    Should Be Equal As Integers    ${coverage}[violations]    1

A Received Message That Breaks The Document Fails The Next Keyword That Uses The Connection
    Connect    ${KRAKEN}/?break=1    alias=next    asyncapi=${KRAKEN_DOC}
    Send    next    ${SUBSCRIBE}
    # systemStatus, subscriptionStatus, three currencyInfo and heartbeat.
    Wait Until Received    next    6
    Run Keyword And Expect Error    *breaks the AsyncAPI contract*#2 received: closest subscriptionStatus*
    ...    Get Connection Info    next
    ${info}=    Get Connection Info    next
    Should Be Equal As Integers    ${info}[received]    6

Violations Warn Logs A Warning For Each And Fails Nothing
    Start Collecting Warnings
    Connect    ${KRAKEN}/?break=1    alias=warned    asyncapi=${KRAKEN_DOC}    violations=warn
    Send    warned    ${SUBSCRIBE}
    Receive    warned    $.event    ==    heartbeat
    ${warnings}=    Get Warnings
    Length Should Be    ${warnings}    1
    Should Match    ${warnings}[0]    *breaks the AsyncAPI contract*#2 received: closest subscriptionStatus: /status: 'subscribd'*
    ${coverage}=    Get Contract Coverage    warned
    Should Be Equal As Integers    ${coverage}[violations]    1

Violations Keep Only Counts Them For Validate Messages And The Coverage
    Start Collecting Warnings
    Connect    ${KRAKEN}/?break=1    alias=kept    asyncapi=${KRAKEN_DOC}    violations=keep
    Send    kept    ${SUBSCRIBE}
    Receive    kept    $.event    ==    heartbeat
    ${warnings}=    Get Warnings
    Should Be Empty    ${warnings}
    ${coverage}=    Get Contract Coverage    kept
    Should Be Equal As Integers    ${coverage}[violations]    1
    Run Keyword And Expect Error
    ...    1 of the 7 messages of 'kept' break the AsyncAPI contract of *:\n#2 received: closest subscriptionStatus: /status: 'subscribd'*
    ...    Validate Messages    kept

Send Of A Message That Breaks The Document Fails Before Sending And Raw Sends It Unchecked
    Connect    ${KRAKEN}/    alias=sender    asyncapi=${KRAKEN_DOC}
    Run Keyword And Expect Error
    ...    Nothing was sent on 'sender': the message breaks the AsyncAPI contract of *:\n#1 sent: closest subscribe: /pair: 'XBT/USD' is not of type 'array'
    ...    Send    sender    {"event": "subscribe", "pair": "XBT/USD", "subscription": {"name": "ticker"}}
    ${info}=    Get Connection Info    sender
    Should Be Equal As Integers    ${info}[sent]    0
    Send    sender    {"event": "subscribe", "pair": "XBT/USD", "subscription": {"name": "ticker"}}    raw=True
    ${info}=    Get Connection Info    sender
    Should Be Equal As Integers    ${info}[sent]    1
    # Validate Messages checks every sent message kept, the raw one too.
    Run Keyword And Expect Error    *#1 sent: closest subscribe: /pair: 'XBT/USD' is not of type 'array'*
    ...    Validate Messages    sender

Validate Messages Checks A Connection Opened Without A Document
    Connect    ${KRAKEN}/    alias=plain
    Send    plain    ${SUBSCRIBE}
    Receive    plain    $.event    ==    heartbeat
    ${checked}=    Validate Messages    plain    asyncapi=${KRAKEN_DOC}
    Should Be Equal As Integers    ${checked}    7
    Run Keyword And Expect Error    *has no AsyncAPI document*    Validate Messages    plain
    Run Keyword And Expect Error    *has no AsyncAPI document*    Get Contract Coverage    plain

Validate Messages Lists Every Violation Newest First When They Are Many
    Connect    ${KRAKEN}/?real=1    alias=many
    Send    many    {"event": "subscribe", "reqid": 1, "pair": ["XBT/USD", "ETH/USD", "XRP/USD"], "subscription": {"name": "ticker"}}
    Receive    many    $.event    ==    heartbeat
    ${error}=    Run Keyword And Expect Error    *
    ...    Validate Messages    many    asyncapi=${KRAKEN_DOC}
    # Three subscriptionStatus and nine ticker arrays break the published document.
    Should Start With    ${error}    12 of the 15 messages of 'many' break the AsyncAPI contract
    Should Contain    ${error}    (newest first):\n#13 received: closest
    ${lines}=    Get Lines Matching Pattern    ${error}    \#* received: *
    ${count}=    Get Line Count    ${lines}
    Should Be Equal As Integers    ${count}    12
    ${last}=    Get Line    ${lines}    -1
    Should Start With    ${last}    \#2 received: closest subscriptionStatus

The Real Kraken Replies Break The Published Subscription Status Schema
    Connect    ${KRAKEN}/?real=1    alias=real    asyncapi=${KRAKEN_DOC}
    Send    real    ${SUBSCRIBE}
    Run Keyword And Expect Error
    ...    *\n#2 received: closest subscriptionStatus: /pair: 'XBT/USD' is not of type 'array'; /status: 'subscribed' is not one of ${STATUS_ENUM}*
    ...    Receive    real    $.event    ==    heartbeat

A Path Parameter Matches One Segment Of The URL And Its Schema
    Connect    ${GEMINI}/v1/marketdata/btcusd?heartbeat=true    alias=gemini    asyncapi=${GEMINI_DOC}
    Receive    gemini    $.type    ==    heartbeat
    ${coverage}=    Get Contract Coverage    gemini
    # The document's one message, marketData, has the heartbeat among its payload's forms.
    Should Be Equal As Integers    ${coverage}[messages][marketData]    4
    Should Be Empty    ${coverage}[uncovered]
    Run Keyword And Expect Error
    ...    *websocket-gemini-asyncapi.yml: the URL * matches no channel of the document; its channels: /v1/marketdata/{symbol} (marketDataV1)
    ...    Connect    ${GEMINI}/v1/marketdata/BTCUSD    alias=upper    asyncapi=${GEMINI_DOC}

A Version 2 Document Is Read As Its Version 3 Twin
    Connect    ${GEMINI}/v1/marketdata/btcusd?heartbeat=true    alias=gemini26    asyncapi=${GEMINI_26}
    Receive    gemini26    $.type    ==    heartbeat
    ${checked}=    Validate Messages    gemini26
    Should Be Equal As Integers    ${checked}    4

A JSON Document Is Read As Its YAML
    ${json}=    Set Variable    ${OUTPUT_DIR}/gemini-asyncapi.json
    Evaluate    pathlib.Path(r'${json}').write_text(json.dumps(yaml.safe_load(open(r'${GEMINI_DOC}'))))
    ...    modules=json,yaml,pathlib
    Connect    ${GEMINI}/v1/marketdata/ethusd?break=1    alias=json    asyncapi=${json}
    Run Keyword And Expect Error    *gemini-asyncapi.json*#2 received: closest marketData: /: 'eventId' is a required property
    ...    Receive    json    $.socket_sequence    ==    2

The Real Gemini Sides Break The Published Enum
    Connect    ${GEMINI}/v1/marketdata/btcusd?real=1    alias=gemini_real    asyncapi=${GEMINI_DOC}    violations=keep
    Receive    gemini_real    $.socket_sequence    ==    2
    ${error}=    Run Keyword And Expect Error    *    Validate Messages    gemini_real
    Should Contain    ${error}    /events/1/side: 'ask' is not one of ['bid', 'side']
    Should Contain    ${error}    /events/0/price: '3641.61' is not of type 'number'

A File That Is Not An AsyncAPI Document Fails Connect At Once
    Run Keyword And Expect Error
    ...    Cannot use the AsyncAPI document: *not-asyncapi.yml is not an AsyncAPI document: it has no 'asyncapi' field
    ...    Connect    ${KRAKEN}/    alias=nodoc    asyncapi=${DOCS}/own/not-asyncapi.yml
    Run Keyword And Expect Error    *No connection named 'nodoc'*    Get Connection Info    nodoc

A Reference That Does Not Resolve Fails Connect Naming The File
    Run Keyword And Expect Error
    ...    *AsyncAPI file *own/messages.yml does not exist (referenced from *missing-ref.yml#/channels/root/messages/hello)
    ...    Connect    ${KRAKEN}/    alias=badref    asyncapi=${DOCS}/own/missing-ref.yml

Bad Violations Fail With The Choices
    Run Keyword And Expect Error    Argument 'violations' must be fail, warn or keep, got 'loud'.
    ...    Connect    ${KRAKEN}/    alias=loud    asyncapi=${KRAKEN_DOC}    violations=loud

Request Takes The Correlation Id From The Document
    Connect    ${KRAKEN}/    alias=pinger    asyncapi=${KRAKEN_DOC}
    Request    pinger    {"event": "ping", "reqid": 0}    $.event    ==    pong
    ${reqid}=    Request    pinger    {"event": "ping", "reqid": 0}    $.reqid
    ${again}=    Request    pinger    {"event": "ping", "reqid": 0}    $.reqid
    Should Be True    ${reqid} > 0 and ${again} != ${reqid}

Request With Correlation Works Without A Document And Keeps A Text Id Text
    Connect    ${KRAKEN}/    alias=correlated
    ${reqid}=    Request    correlated    {"event": "ping", "reqid": "x"}    $.reqid    correlation=$.reqid
    Should Be True    isinstance($reqid, str) and $reqid.isdigit()
    ${event}=    Request    correlated    {"event": "ping", "reqid": 0}    $.event    ==    pong    correlation=$.reqid
    Should Be Equal    ${event}    pong

Request Without Correlation Or A Document Fails Saying It Needs Correlation
    Connect    ${KRAKEN}/    alias=uncorrelated
    Run Keyword And Expect Error    Request on 'uncorrelated' needs correlation= (a JSONPath such as $.reqid)*
    ...    Request    uncorrelated    {"event": "ping", "reqid": 0}
    Run Keyword And Expect Error    Argument 'correlation': correlation '$..reqid' is not a JSONPath of one member*
    ...    Request    uncorrelated    {"event": "ping", "reqid": 0}    correlation=$..reqid


*** Keywords ***
Start Contract Servers
    [Documentation]    Starts the Kraken and Gemini servers as ``${KRAKEN}`` and ``${GEMINI}``.
    ${kraken}=    Start Kraken Server
    ${gemini}=    Start Gemini Server
    Set Suite Variable    ${KRAKEN}    ${kraken}    # robocop: off=VAR05
    Set Suite Variable    ${GEMINI}    ${gemini}    # robocop: off=VAR05

Stop Everything
    [Documentation]    Closes the connections, then the servers.
    Disconnect All
    Stop Contract Servers
