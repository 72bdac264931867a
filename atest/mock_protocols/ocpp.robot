*** Settings ***
Documentation       A mock central system against the ``ocpp`` package's charge points (OCPP 1.6
...                 and 2.0.1), scripted by rules.
Resource            protocol_clients.resource
Test Teardown       Stop Clients And Servers
Test Template       Charge Point Boots, Beats And Is Reset


*** Test Cases ***    VERSION      RESET
OCPP 1 6              ocpp1.6      {"type": "Hard"}
OCPP 2 0 1            ocpp2.0.1    {"type": "Immediate"}


*** Keywords ***
Charge Point Boots, Beats And Is Reset
    [Documentation]    BootNotification and Heartbeat answered by rules, Reset asked by `Request`.
    [Arguments]    ${version}    ${reset}
    # Rules belong to a name and outlive its server: each version has a name of its own.
    VAR    ${csms}=    csms-${version}
    Script The Central System    ${csms}    ${version}
    ${client}=    Start Official Client    ${version}    ${MOCK_URL}    stay=1s
    Wait For Client    ${csms}
    Charge Point Should Be Booted    ${client}
    Request    ${csms}#1    ["Reset", ${reset}]    $[2].status    ==    Accepted
    Client Line Should Have    ${client}    reset    type    ${{json.loads($reset)["type"]}}
    ${info}=    Get Connection Info    ${csms}#1
    Should Be True    $info["subprotocol"] == $version and $info["path"] == "/CP-1" and $info["auto_sent"] == 2
    ...    ${info}
    Wait For Client To Finish    ${client}
    ${actions}=    Receive    ${csms}#1    $[?(@[0] == 2)][2]    last=10    all=True
    Should Be Equal    ${actions}    ${{["BootNotification", "Heartbeat"]}}

Script The Central System
    [Documentation]    Starts mock server ``alias`` speaking ``version``, its URL in
    ...    ``${MOCK_URL}``, with rules that accept boots and answer heartbeats.
    [Arguments]    ${alias}    ${version}
    ${url}=    Start Mock Server    alias=${alias}    protocol=${version}
    VAR    ${MOCK_URL}=    ${url}    scope=TEST    # robocop: off=VAR06
    Reply To Messages    ${alias}    $[2]    ==    BootNotification
    ...    reply=[3, "{{$[1]}}", {"status": "Accepted", "currentTime": "2026-01-01T00:00:00Z", "interval": 300}]
    Reply To Messages    ${alias}    $[2]    ==    Heartbeat
    ...    reply=[3, "{{$[1]}}", {"currentTime": "2026-01-01T00:00:01Z"}]

Charge Point Should Be Booted
    [Documentation]    ``client`` printed the rules' answers to its boot and its heartbeat.
    [Arguments]    ${client}
    ${boot}=    Client Line Should Have    ${client}    boot    status    Accepted
    Should Be Equal As Integers    ${boot}[interval]    300
    Client Line Should Have    ${client}    heartbeat    current_time    2026-01-01T00:00:01Z
