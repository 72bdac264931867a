*** Settings ***
Documentation       A mock MQTT server against mqtt.js 5 over WebSocket: two clients at once,
...                 publishes to subscribers, QoS 1 and 2 both ways, PINGREQ answered.
Resource            protocol_clients.resource
Test Teardown       Stop Clients And Servers


*** Test Cases ***
Two MQTT Clients Subscribe, Publish And Get Publishes
    ${url}=    Start Mock Server    alias=broker    protocol=mqtt
    # One after the other, so that dev-1 is broker#1.
    ${first}=    Start Official Client    mqtt    ${url}/mqtt    dev-1    stay=4s
    Wait For Client    broker
    ${second}=    Start Official Client    mqtt    ${url}/mqtt    dev-2    stay=4s
    Wait For Client    broker
    Client Should Be Connected And Subscribed    ${first}
    Client Should Be Connected And Subscribed    ${second}
    Mock Client Should Hold Its Packets    broker#1    dev-1
    Mock Client Should Hold Its Packets    broker#2    dev-2
    # To the server's name: each client subscribed to a matching filter, here both.
    Send    broker    {"topic": "all/news", "payload": "plain"}
    # No filter matches: nobody.
    Send    broker    {"topic": "nobody/listens", "payload": "lost"}
    Request    broker#1    {"topic": "dev/1/cmd", "payload": {"go": 1}, "qos": 1}    $.type    ==    puback
    Request    broker#2    {"topic": "dev/2/cmd", "payload": {"go": 2}, "qos": 2}    $.type    ==    pubcomp
    # keepalive is 1 s: the clients ping through this, and the server answers.
    Sleep    1.5s
    Client Should Have Got    ${first}    ${{[("all/news", "plain", 0), ("dev/1/cmd", '{"go": 1}', 1)]}}
    Client Should Have Got    ${second}    ${{[("all/news", "plain", 0), ("dev/2/cmd", '{"go": 2}', 2)]}}


*** Keywords ***
Client Should Be Connected And Subscribed
    [Documentation]    ``client`` got CONNACK 0 and its two subscriptions granted as asked.
    [Arguments]    ${client}
    Client Line Should Have    ${client}    connect    code    ${0}
    ${suback}=    Wait For Client Line    ${client}    suback
    Should Be Equal    ${{[g["qos"] for g in $suback["granted"]]}}    ${{[2, 1]}}

Mock Client Should Hold Its Packets
    [Documentation]    ``name`` holds the SUBSCRIBE and three publishes, and its masked session.
    [Arguments]    ${name}    ${client_id}
    Receive    ${name}    $[?(@.type == "subscribe")].topics    ==    ["dev/+/cmd", "all/#"]    last=10
    Get Message Count    ${name}    $[?(@.type == "publish")]    ==    3
    Receive    ${name}    $[?(@.qos == 2)].payload.qos    ==    2    last=10
    ${info}=    Get Connection Info    ${name}
    Should Be Equal    ${info}[subprotocol]    mqtt
    Should Be Equal    ${info}[session][client_id]    ${client_id}
    Should Be Equal    ${info}[session][username]    device
    Should Be Equal    ${info}[session][password]    ***
    Should Be Equal    ${info}[session][keepalive]    ${1}

Client Should Have Got
    [Documentation]    ``client`` pinged through the test and got exactly ``expected``
    ...    (topic, payload, QoS) publishes.
    [Arguments]    ${client}    ${expected}
    Client Should Have Stayed Up    ${client}
    ...    $done["connected"] and $done["pings"]["sent"] >= 2 and $done["pings"]["answered"] >= 2
    ${got}=    Get Client Lines    ${client}    message
    Should Be Equal    ${{sorted((m["topic"], m["payload"], m["qos"]) for m in $got)}}    ${expected}
    Receive    broker#1    $.type    ==    disconnect
