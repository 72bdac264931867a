*** Settings ***
Documentation       STOMP 1.2 over WebSocket (``protocol=stomp``) against RabbitMQ's web-STOMP
...                 plugin, started by the parent suite.
Resource            ../resources/common.resource
Suite Teardown      Disconnect All


*** Test Cases ***
Connect Returns Once CONNECTED Arrives And Keeps It Out Of The History
    Connect To Broker    ${RABBITMQ_STOMP}
    ${info}=    Get Connection Info    ${RABBITMQ_STOMP}
    Should Be Equal    ${info}[protocol]    stomp
    Should Be Equal    ${info}[subprotocol]    v12.stomp
    Should Be Equal    ${info}[state]    open
    Should Be Equal    ${info}[session][version]    1.2
    Should Start With    ${info}[session][server]    RabbitMQ/
    Get Message Count    ${RABBITMQ_STOMP}    ==    0

Refused CONNECT Fails With The ERROR Frame's Message And Body
    Run Keyword And Expect Error    *Bad CONNECT*Access refused for user '${BAD_USER}'*
    ...    Connect    ${RABBITMQ_STOMP}    alias=refused    protocol=stomp
    ...    init={"login": "${BAD_USER}", "passcode": "not-a-password"}
    # RabbitMQ leaves the socket open after its ERROR frame. The library closed it, so the
    # name is free for a connection that logs in.
    Connect To Broker    ${RABBITMQ_STOMP}    alias=refused
    ${info}=    Get Connection Info    refused
    Should Be Equal    ${info}[state]    open

Host In Init Replaces The Default Virtual Host
    Run Keyword And Expect Error    *Virtual host 'no-such-vhost' access denied*
    ...    Connect    ${RABBITMQ_STOMP}    alias=vhost    protocol=stomp
    ...    init={"login": "${BROKER_USER}", "passcode": "${BROKER_PASSWORD}", "host": "no-such-vhost"}

Subscribe Request Waits For Its RECEIPT
    Connect To Broker    ${RABBITMQ_STOMP}    alias=subscriber
    ${receipt}=    Request    subscriber    {"command": "SUBSCRIBE", "headers": {"destination": "/queue/robot-receipt"}}
    Should Be Equal    ${receipt}[command]    RECEIPT
    Should Not Be Empty    ${receipt}[headers][receipt-id]
    # The SUBSCRIBE had no id: the library gave it one, so the broker delivers to it.
    Send    subscriber    {"headers": {"destination": "/queue/robot-receipt"}, "body": "delivered"}
    Receive    subscriber    $.body    ==    delivered

Request On SEND Takes The RECEIPT And Not The MESSAGE That Copies The Header
    Connect And Subscribe    sender    /queue/robot-send
    # RabbitMQ copies a SEND's receipt header into the MESSAGE it delivers, which may arrive
    # first; only the RECEIPT answers the request.
    ${reply}=    Request    sender    {"command": "SEND", "headers": {"destination": "/queue/robot-send"}, "body": "ping"}
    ...    $.command    ==    RECEIPT
    Should Be Equal    ${reply}    RECEIPT
    ${message}=    Receive    sender    $[?(@.command == "MESSAGE")].body    ==    ping    last=10
    Should Be Equal    ${message}    ping

Request Returns The ERROR Frame A Bad Destination Gets
    Connect To Broker    ${RABBITMQ_STOMP}    alias=lost
    ${error}=    Request    lost    {"command": "SUBSCRIBE", "headers": {"destination": "/nowhere/robot"}}
    Should Be Equal    ${error}[command]    ERROR
    Should Be Equal    ${error}[headers][message]    Unknown destination
    Should Contain    ${error}[body]    '/nowhere/robot' is not a valid destination

JSON Body Is Sent With Its Content Type And Parsed On Arrival
    Connect And Subscribe    orders    /queue/robot-json
    Send    orders    {"headers": {"destination": "/queue/robot-json"}, "body": {"id": 7, "status": "NEW", "lines": [1, 2]}}
    ${status}=    Receive    orders    $[?(@.command == "MESSAGE")].body.status    ==    NEW
    Should Be Equal    ${status}    NEW
    Receive    orders    $.body.id    ==    7
    Receive    orders    $.body.lines    ==    [1, 2]
    Receive    orders    $.headers['content-type']    ==    application/json

Body Without Content Type Is Parsed When It Is A JSON Object
    Connect And Subscribe    untyped    /queue/robot-untyped
    &{headers}=    Create Dictionary    destination=/queue/robot-untyped
    &{frame}=    Create Dictionary    headers=${headers}    body={"n": 1}
    Send    untyped    ${frame}
    ${n}=    Receive    untyped    $.body.n    ==    1
    Should Be Equal As Integers    ${n}    1

Text Body Stays Text, Also When It Looks Like JSON
    Connect And Subscribe    texts    /queue/robot-text
    &{headers}=    Create Dictionary    destination=/queue/robot-text    content-type=text/plain
    &{frame}=    Create Dictionary    headers=${headers}    body={"n": 1}
    Send    texts    ${frame}
    ${body}=    Receive    texts    $[?(@.command == "MESSAGE")].body
    Should Be Equal    ${body}    {"n": 1}
    Send    texts    {"headers": {"destination": "/queue/robot-text"}, "body": "plain words"}
    Receive    texts    $.body    ==    plain words

Raw Send Puts The Frame On The Wire As Written
    Connect And Subscribe    raw    /queue/robot-raw
    Send    raw    SEND\ndestination:/queue/robot-raw\n\nwritten by hand\x00    raw=True
    Receive    raw    $.body    ==    written by hand
    # regex= reads the frame's raw text, headers included.
    ${destination}=    Receive    raw    regex=destination:(\\S+)
    Should Be Equal    ${destination}    /queue/robot-raw

Heart-Beats Keep A Quiet Connection Open And Stay Out Of The History
    &{init}=    Create Dictionary    login=${BROKER_USER}    passcode=${BROKER_PASSWORD}    heart-beat=1000,1000
    Connect    ${RABBITMQ_STOMP}    alias=quiet    protocol=stomp    init=${init}
    ${info}=    Get Connection Info    quiet
    Should Be Equal    ${info}[session][heart-beat]    1000,1000
    # RabbitMQ drops a client that sends nothing for about 3 s at 1000,1000 (seen with a raw
    # client); sleeping longer shows that the library sends heart-beats on its own.
    Sleep    5s
    Get Message Count    quiet    ==    0
    Request    quiet    {"command": "SUBSCRIBE", "headers": {"destination": "/queue/robot-quiet"}}    $.command    ==    RECEIPT
    ${info}=    Get Connection Info    quiet
    Should Be Equal    ${info}[state]    open
    Should Be Equal As Integers    ${info}[received]    1


*** Keywords ***
Connect To Broker
    [Documentation]    Opens a STOMP session as the test user; the name is ``alias`` when given.
    [Arguments]    ${url}    ${alias}=${None}
    Connect    ${url}    alias=${alias}    protocol=stomp
    ...    init={"login": "${BROKER_USER}", "passcode": "${BROKER_PASSWORD}"}

Connect And Subscribe
    [Documentation]    Opens a STOMP session named ``alias`` and subscribes it to ``destination``.
    [Arguments]    ${alias}    ${destination}
    Connect To Broker    ${RABBITMQ_STOMP}    alias=${alias}
    Request    ${alias}    {"command": "SUBSCRIBE", "headers": {"destination": "${destination}", "id": "${alias}"}}
    ...    $.command    ==    RECEIPT
