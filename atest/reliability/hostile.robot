*** Settings ***
Documentation       A hostile server: frames a broken or malicious server sends never cost the
...                 connection. Each becomes an undecodable document (or a document with what
...                 could be read, or text), the process's memory stays bounded, and the next
...                 normal message is read normally. The one exception is the one RFC 6455
...                 makes: a text frame that is not UTF-8 fails the connection (1007).
Resource            ../resources/common.resource
Library             ../resources/HostileServer.py
Suite Setup         Start The Hostile Server
Suite Teardown      Run Keywords    Disconnect All    AND    Stop Hostile Server
Test Teardown       Disconnect All


*** Test Cases ***
Deep JSON On A Plain Connection Stays Text
    Connect    ${HOSTILE}/plain    alias=plain
    Send    plain    {"send": "deep-json"}
    ${text}=    Receive    plain
    Should Start With    ${text}    [[[[
    Run Keyword And Expect Error    *nested too deeply*    Receive    plain    $.id    timeout=0.5s
    The Connection Goes On    plain

Invalid UTF-8 In A Text Frame Fails The Connection With 1007
    [Documentation]    RFC 6455, 8.1: an endpoint that finds a text frame is not UTF-8 MUST fail
    ...    the connection; websockets does, with 1007 (invalid frame payload data). The
    ...    failure is reported, not hidden: the close code, and on the next use.
    Connect    ${HOSTILE}/plain    alias=utf8
    Send    utf8    {"send": "bad-utf8"}
    ${close}=    Wait Until Closed    utf8
    Should Be Equal As Integers    ${close}[code]    1007
    ${info}=    Get Connection Info    utf8
    Should Be Equal    ${info}[state]    closed
    Run Keyword And Expect Error    Cannot send on 'utf8': the connection is closed (close code 1007*
    ...    Send    utf8    {"send": "normal"}

Invalid UTF-8 In A Text Frame Fails A Protocol Connection With 1007 Too
    Connect    ${HOSTILE}/graphql    protocol=graphql-transport-ws    alias=utf8-gql
    Send    utf8-gql    {"send": "bad-utf8"}    raw=True
    ${close}=    Wait Until Closed    utf8-gql
    Should Be Equal As Integers    ${close}[code]    1007

Deep JSON In OCPP Is Undecodable
    Connect    ${HOSTILE}/ocpp    protocol=ocpp1.6    alias=ocpp
    Hostile Frame Is Undecodable    ocpp    deep-json    nested too deeply

Wrong-Shaped OCPP Arrays Are Undecodable
    Connect    ${HOSTILE}/ocpp    protocol=ocpp1.6    alias=ocpp
    Send    ocpp    {"send": "wrong-shape"}    raw=True
    Receive    ocpp    $.raw    ==    [[], {}]
    ${errors}=    Receive    ocpp    $.error    last=3    all=True
    Should Be Equal    ${errors}[0]    the message id is not a string
    Should Be Equal    ${errors}[1]    message type '2' is not one of 2, 3, 4
    The Connection Goes On    ocpp

OCPP Bytes That Are Not UTF-8 Are Undecodable
    Connect    ${HOSTILE}/ocpp    protocol=ocpp1.6    alias=ocpp
    Hostile Frame Is Undecodable    ocpp    bad-utf8-binary    can't decode byte 0xff

A STOMP Body Nested Too Deeply Stays Text
    Connect    ${HOSTILE}/stomp    protocol=stomp    alias=stomp
    Send    stomp    {"send": "deep-json"}    raw=True
    ${body}=    Receive    stomp    $.body
    Should Start With    ${body}    [[[[
    The Connection Goes On    stomp

A STOMP Frame Without NUL Is Undecodable
    Connect    ${HOSTILE}/stomp    protocol=stomp    alias=stomp
    Hostile Frame Is Undecodable    stomp    no-nul    frame is not terminated by NUL

STOMP Headers That Are Not UTF-8 Are Undecodable
    Connect    ${HOSTILE}/stomp    protocol=stomp    alias=stomp
    Hostile Frame Is Undecodable    stomp    bad-utf8-binary    can't decode byte 0xff

An MQTT Payload Nested Too Deeply Stays Text
    Connect    ${HOSTILE}/mqtt    protocol=mqtt    alias=mqtt
    Send    mqtt    {"send": "deep-json"}    raw=True
    ${payload}=    Receive    mqtt    $.payload
    Should Start With    ${payload}    [[[[
    The Connection Goes On    mqtt

An MQTT Packet Announcing 256 MiB Is Undecodable At Once
    Connect    ${HOSTILE}/mqtt    protocol=mqtt    alias=mqtt
    ${before}=    Get Memory Use
    Hostile Frame Is Undecodable    mqtt    huge-length    the packet announces 268435455 bytes
    Memory Should Not Have Grown    ${before}

An MQTT Topic That Is Not UTF-8 Is Undecodable
    Connect    ${HOSTILE}/mqtt    protocol=mqtt    alias=mqtt
    Hostile Frame Is Undecodable    mqtt    bad-utf8-binary    string is not UTF-8

Deep JSON In Socket IO Is Undecodable
    Connect    ${HOSTILE}/    protocol=socketio    alias=sio
    Hostile Frame Is Undecodable    sio    deep-json    nested too deeply

A Socket IO Packet Announcing A Million Attachments Is Undecodable At Once
    Connect    ${HOSTILE}/    protocol=socketio    alias=sio
    ${before}=    Get Memory Use
    Send    sio    {"send": "million-attachments"}    raw=True
    # The header, then each of the 64 binary frames, which no packet waits for.
    Receive    sio    $.error    ==    binary frame with no packet waiting
    ${errors}=    Receive    sio    $.error    last=100    all=True
    Should Contain    ${errors}[0]    announces 1000000 attachments
    Memory Should Not Have Grown    ${before}
    The Connection Goes On    sio

Deep JSON In GraphQL Is Undecodable
    Connect    ${HOSTILE}/graphql    protocol=graphql-transport-ws    alias=gql
    Hostile Frame Is Undecodable    gql    deep-json    nested too deeply

A GraphQL Message With A Number As Id Is Kept As It Is
    Connect    ${HOSTILE}/graphql    protocol=graphql-transport-ws    alias=gql
    Send    gql    {"send": "non-string-id"}    raw=True
    Receive    gql    $.id    ==    5
    The Connection Goes On    gql

GraphQL Bytes That Are Not UTF-8 Are Undecodable
    Connect    ${HOSTILE}/graphql    protocol=graphql-transport-ws    alias=gql
    Hostile Frame Is Undecodable    gql    bad-utf8-binary    can't decode byte 0xff


*** Keywords ***
Start The Hostile Server
    [Documentation]    Starts the hostile server and sets ``${HOSTILE}`` to its URL.
    ${url}=    Start Hostile Server
    Set Suite Variable    ${HOSTILE}    ${url}    # robocop: off=VAR05

Hostile Frame Is Undecodable
    [Documentation]    The server sends the frames named ``frame``; the newest becomes an
    ...    undecodable document whose error contains ``error``, and the connection goes on.
    [Arguments]    ${connection}    ${frame}    ${error}
    Send    ${connection}    {"send": "${frame}"}    raw=True
    Receive    ${connection}    $.type    ==    undecodable
    Receive    ${connection}    $.error    contains    ${error}
    The Connection Goes On    ${connection}

The Connection Goes On
    [Documentation]    The connection is open and reads the server's next normal message.
    [Arguments]    ${connection}
    Send    ${connection}    {"send": "normal"}    raw=True
    Receive    ${connection}    $..normal    ==    ${True}
    ${info}=    Get Connection Info    ${connection}
    Should Be Equal    ${info}[state]    open
