*** Settings ***
Documentation       OCPP-J over WebSocket (``protocol=ocpp1.6`` and ``ocpp2.0.1``) against a
...                 central system built on the ``ocpp`` package (resources/servers/ocpp_csms.py).
Resource            ../resources/common.resource
Library             ../resources/Brokers.py
Suite Setup         Start OCPP Central System
Suite Teardown      Stop Central System Of This Suite


*** Test Cases ***
Connect Returns Once The Server Selects The OCPP Subprotocol
    Connect    ${CSMS}/ocpp1.6/CP-1    protocol=ocpp1.6
    ${info}=    Get Connection Info    ${CSMS}/ocpp1.6/CP-1
    Should Be Equal    ${info}[protocol]    ocpp1.6
    Should Be Equal    ${info}[subprotocol]    ocpp1.6
    Should Be Equal    ${info}[state]    open

Boot Notification Request Is Accepted
    Connect    ${CSMS}/ocpp1.6/CP-2    protocol=ocpp1.6
    ${reply}=    Request    ${CSMS}/ocpp1.6/CP-2    ["BootNotification", {"chargePointVendor": "ACME", "chargePointModel": "X1"}]
    ...    $[2].status    ==    Accepted
    Should Be Equal    ${reply}    Accepted
    # The reply is the whole CALLRESULT: [3, the request's id, payload].
    ${result}=    Receive    ${CSMS}/ocpp1.6/CP-2
    Should Be Equal As Integers    ${result}[0]    3
    Should Be Equal As Integers    ${result}[2][interval]    300

Each Request Gets The Reply With Its Own Id
    Connect    ${CSMS}/ocpp1.6/CP-3    protocol=ocpp1.6
    ${time}=    Request    ${CSMS}/ocpp1.6/CP-3    ["Heartbeat", {}]    $[2].currentTime    matches    ^\\d{4}-\\d\\d-\\d\\dT
    Should End With    ${time}    Z
    ${accepted}=    Request    ${CSMS}/ocpp1.6/CP-3    ["Authorize", {"idTag": "TAG-1"}]    $[2].idTagInfo.status
    Should Be Equal    ${accepted}    Accepted
    ${blocked}=    Request    ${CSMS}/ocpp1.6/CP-3    ["Authorize", {"idTag": "BLOCKED"}]    $[2].idTagInfo.status
    Should Be Equal    ${blocked}    Blocked
    ${ids}=    Receive    ${CSMS}/ocpp1.6/CP-3    $[*][1]    last=3    all=True
    ${distinct}=    Remove Duplicates    ${ids}
    Length Should Be    ${distinct}    3

Start Transaction Returns A Transaction Id
    Connect    ${CSMS}/ocpp1.6/CP-4    protocol=ocpp1.6
    ${transaction}=    Request    ${CSMS}/ocpp1.6/CP-4
    ...    ["StartTransaction", {"connectorId": 1, "idTag": "TAG-1", "meterStart": 0, "timestamp": "2024-05-01T10:00:00Z"}]
    ...    $[2].transactionId    >    0
    Should Be True    ${transaction} > 0
    Request    ${CSMS}/ocpp1.6/CP-4    ["StartTransaction", {"connectorId": 1, "idTag": "UNKNOWN", "meterStart": 0, "timestamp": "2024-05-01T10:00:00Z"}]
    ...    $[2].idTagInfo.status    ==    Invalid

CALLERROR Is The Reply Request Returns
    Connect    ${CSMS}/ocpp1.6/CP-5    protocol=ocpp1.6
    ${error}=    Request    ${CSMS}/ocpp1.6/CP-5    ["DataTransfer", {"vendorId": "robot"}]
    Should Be Equal As Integers    ${error}[0]    4
    Should Be Equal    ${error}[2]    NotImplemented
    Should Be Equal    ${error}[4][cause]    No handler for DataTransfer registered.
    Request    ${CSMS}/ocpp1.6/CP-5    ["Teleport", {}]    $[2]    ==    NotSupported
    Request    ${CSMS}/ocpp1.6/CP-5    ["BootNotification", {}]    $[2]    ==    ProtocolError

Server Call Is Answered By A Reply Rule
    # The rule is set before the charge point connects, so the first call is not missed.
    Reply To Messages    ${CSMS}/ocpp1.6/CP-6    $[2]    ==    Reset    reply=[3, "{{$[1]}}", {"status": "Accepted"}]
    Connect    ${CSMS}/ocpp1.6/CP-6    protocol=ocpp1.6
    Request    ${CSMS}/ocpp1.6/CP-6    ["BootNotification", {"chargePointVendor": "ACME", "chargePointModel": "X1"}]    $[2].status    ==    Accepted
    ${answer}=    Call Charge Point    CP-6    Reset    {"type": "Hard"}
    Should Be Equal    ${answer}[result][status]    Accepted
    # The call itself is in the history, as the server sent it.
    Receive    ${CSMS}/ocpp1.6/CP-6    $[2]    ==    Reset
    ${type}=    Receive    ${CSMS}/ocpp1.6/CP-6    $[3].type
    Should Be Equal    ${type}    Hard
    ${info}=    Get Connection Info    ${CSMS}/ocpp1.6/CP-6
    Should Be Equal As Integers    ${info}[auto_sent]    1

Reply Rule Can Answer A Server Call With A CALLERROR
    Reply To Messages    ${CSMS}/ocpp1.6/CP-7    $[2]    ==    GetConfiguration
    ...    reply=[4, "{{$[1]}}", "NotSupported", "No configuration here", {}]
    Connect    ${CSMS}/ocpp1.6/CP-7    protocol=ocpp1.6
    ${answer}=    Call Charge Point    CP-7    GetConfiguration
    Should Be Equal    ${answer}[error]    NotSupported
    Should Be Equal    ${answer}[description]    No configuration here

OCPP 2.0.1 Station Boots And Is Authorized    # robocop: off=not-allowed-char-in-name
    Connect    ${CSMS}/ocpp2.0.1/CS-1    protocol=ocpp2.0.1
    ${info}=    Get Connection Info    ${CSMS}/ocpp2.0.1/CS-1
    Should Be Equal    ${info}[subprotocol]    ocpp2.0.1
    Request    ${CSMS}/ocpp2.0.1/CS-1    ["BootNotification", {"chargingStation": {"vendorName": "ACME", "model": "X2"}, "reason": "PowerUp"}]
    ...    $[2].status    ==    Accepted
    ${status}=    Request    ${CSMS}/ocpp2.0.1/CS-1    ["Authorize", {"idToken": {"idToken": "BLOCKED", "type": "ISO14443"}}]
    ...    $[2].idTokenInfo.status
    Should Be Equal    ${status}    Blocked

OCPP 2.0.1 Server Call Is Answered By A Reply Rule    # robocop: off=not-allowed-char-in-name
    Reply To Messages    ${CSMS}/ocpp2.0.1/CS-2    $[2]    ==    Reset    reply=[3, "{{$[1]}}", {"status": "Scheduled"}]
    Connect    ${CSMS}/ocpp2.0.1/CS-2    protocol=ocpp2.0.1
    ${answer}=    Call Charge Point    CS-2    Reset    {"type": "OnIdle"}
    Should Be Equal    ${answer}[result][status]    Scheduled

Server That Selects No OCPP Subprotocol Is Refused
    # The 2.0.1 endpoint selects only ocpp2.0.1, so a 1.6 charge point gets no subprotocol.
    Run Keyword And Expect Error    *the server did not select subprotocol ocpp1.6*
    ...    Connect    ${CSMS}/ocpp2.0.1/CP-8    protocol=ocpp1.6
    Connect    ${CSMS}/CP-8    protocol=ocpp1.6
    ${info}=    Get Connection Info    ${CSMS}/CP-8
    Should Be Equal    ${info}[subprotocol]    ocpp1.6


*** Keywords ***
Stop Central System Of This Suite
    [Documentation]    Closes this suite's connections, then stops the central system.
    Disconnect All
    Stop OCPP Central System
