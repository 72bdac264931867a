*** Settings ***
Documentation       OCPP: a charge point (the ``ocpp`` package's ``ChargePoint``, in
...                 ``servers/charge_point.py``) against a mock central system. ``Start Mock
...                 Server  protocol=ocpp1.6`` selects the subprotocol (and refuses a client
...                 that does not offer it); rules answer what the central system always
...                 answers, and the test asks the charge point to start charging.
Library             Process
Library             RobotWebSocket    timeout=5s
Suite Teardown      Disconnect All


*** Variables ***
${ACCEPTED}     {"status": "Accepted", "currentTime": "2026-01-01T00:00:00Z", "interval": 300}


*** Test Cases ***
A Charge Point Boots And Starts Charging When Asked
    [Documentation]    Rules accept the boot, answer heartbeats, status notifications and the
    ...    transaction; `Request` sends a RemoteStartTransaction and waits for its CALLRESULT.
    ${url}=    Start Mock Server    alias=csms    protocol=ocpp1.6
    Reply To Messages    csms    $[2]    ==    BootNotification    reply=[3, "{{$[1]}}", ${ACCEPTED}]
    Reply To Messages    csms    $[2]    ==    Heartbeat    reply=[3, "{{$[1]}}", {"currentTime": "2026-01-01T00:00:01Z"}]
    Reply To Messages    csms    $[2]    ==    StatusNotification    reply=[3, "{{$[1]}}", {}]
    Reply To Messages    csms    $[2]    ==    StartTransaction
    ...    reply=[3, "{{$[1]}}", {"transactionId": 42, "idTagInfo": {"status": "Accepted"}}]
    ${point}=    Start Process    ${{sys.executable}}    ${CURDIR}/servers/charge_point.py    ${url}    CP-1    2
    ${cp}=    Wait For Client    csms
    Receive    ${cp}    $[?(@[2] == "StatusNotification")][3].status    ==    Available    last=5
    Request    ${cp}    ["RemoteStartTransaction", {"connectorId": 1, "idTag": "TAG-1"}]    $[2].status    ==    Accepted
    Receive    ${cp}    $[?(@[2] == "StartTransaction")][3].idTag    ==    TAG-1    last=10
    ${result}=    Wait For Process    ${point}    timeout=15s    on_timeout=terminate
    Should Contain    ${result.stdout}    "event": "transaction", "id": 42, "status": "Accepted"
    ${info}=    Get Connection Info    ${cp}
    Should Be Equal    ${info}[path]    /CP-1
    Should Be Equal    ${info}[subprotocol]    ocpp1.6
