*** Settings ***
Documentation       AsyncAPI contracts with ``protocol=mqtt`` and ``protocol=stomp``: each message is
...                 matched to channels by its topic or destination, ``{parameters}`` matching one
...                 topic level or path segment. mosquitto for MQTT (started here), RabbitMQ's
...                 web-STOMP for STOMP (started by the parent suite).
Resource            ../resources/common.resource
Library             ../resources/Brokers.py
Suite Setup         Start Mosquitto
Suite Teardown      Stop Brokers Of This Suite


*** Variables ***
${DOCS}             ${CURDIR}/../resources/asyncapi
${STREETLIGHTS}     ${DOCS}/streetlights-mqtt-asyncapi.yml
${STREETLIGHTS_26}  ${DOCS}/v2.6.0/streetlights-mqtt.yml
${BACKEND}          ${DOCS}/social-media/backend/asyncapi.yaml
${ORDERS}           ${DOCS}/own/orders-stomp.yml
${ACTION}           smartylighting/streetlights/1/0/action
${MEASURED}         smartylighting/streetlights/1/0/event/lamp7/lighting/measured
${AT}               2024-05-01T10:00:00Z


*** Test Cases ***
MQTT Topics Are Matched To Channels With Parameters
    Connect MQTT    lamp    asyncapi=${STREETLIGHTS}
    Connect MQTT    app
    # Subscribing is housekeeping: it is not checked.
    Request    lamp    {"type": "subscribe", "topics": ["${ACTION}/+/turn/on"], "qos": 1}    $.type    ==    suback
    Send    app    {"topic": "${ACTION}/lamp7/turn/on", "payload": {"command": "on", "sentAt": "${AT}"}}
    Receive    lamp    $.payload.command    ==    on
    Send    lamp    {"topic": "${MEASURED}", "payload": {"lumens": 3, "sentAt": "${AT}"}}
    ${coverage}=    Get Contract Coverage    lamp
    Should Be Equal As Integers    ${coverage}[operations][turnOn]    1
    Should Be Equal As Integers    ${coverage}[operations][receiveLightMeasurement]    1
    Should Be Equal As Integers    ${coverage}[violations]    0
    Should Contain    ${coverage}[uncovered]    dimLight

A Publish That Breaks Its Topic's Channel Is Not Sent
    Connect MQTT    sensor    asyncapi=${STREETLIGHTS}
    Run Keyword And Expect Error
    ...    Nothing was sent on 'sensor': *\n#1 sent: closest lightMeasured: /lumens: -3 is less than the minimum of 0
    ...    Send    sensor    {"topic": "${MEASURED}", "payload": {"lumens": -3, "sentAt": "${AT}"}}
    Run Keyword And Expect Error
    ...    *#1 sent: no channel of *streetlights-mqtt-asyncapi.yml has the address 'smartylighting/elsewhere'*
    ...    Send    sensor    {"topic": "smartylighting/elsewhere", "payload": {"lumens": 3}}

A Received Publish That Breaks Its Channel Fails The Next Keyword
    Connect MQTT    lamp2    asyncapi=${STREETLIGHTS}
    Connect MQTT    app2
    Request    lamp2    {"type": "subscribe", "topics": ["${ACTION}/+/turn/off"], "qos": 1}    $.type    ==    suback
    Send    app2    {"topic": "${ACTION}/lamp8/turn/off", "payload": {"command": "dance", "sentAt": "${AT}"}}
    Run Keyword And Expect Error
    ...    *breaks the AsyncAPI contract*\n#2 received: closest turnOnOff: /command: 'dance' is not one of ?'on', 'off'?
    ...    Receive    lamp2    $.topic    ==    ${ACTION}/lamp8/turn/off

The Unquoted On And Off Of The Version 2 Streetlights Document Are Booleans
    Connect MQTT    lamp26    asyncapi=${STREETLIGHTS_26}    violations=keep
    Connect MQTT    app26
    Request    lamp26    {"type": "subscribe", "topics": ["${ACTION}/+/turn/on"], "qos": 1}    $.type    ==    suback
    Send    app26    {"topic": "${ACTION}/lamp9/turn/on", "payload": {"command": "on", "sentAt": "${AT}"}}
    Receive    lamp26    $.payload.command    ==    on
    Run Keyword And Expect Error
    ...    *#2 received: closest turnOnOff: /command: 'on' is not one of ?True, False?
    ...    Validate Messages    lamp26

A Document Of Several Files Is Followed Through Its References
    Connect MQTT    backend    asyncapi=${BACKEND}
    Send    backend    {"topic": "comment/42/changed", "payload": {"likeCount": 3}}
    Run Keyword And Expect Error
    ...    *#2 sent: closest commentChanged: /: Additional properties are not allowed ('unexpected' was unexpected)
    ...    Send    backend    {"topic": "comment/42/changed", "payload": {"likeCount": 3, "unexpected": 1}}

STOMP Destinations Are Matched To Channels With Parameters
    Connect STOMP    orders    asyncapi=${ORDERS}
    Connect STOMP    rogue
    Request    orders    {"command": "SUBSCRIBE", "headers": {"destination": "/topic/orders.eu", "id": "orders"}}
    ...    $.command    ==    RECEIPT
    Send    orders    {"command": "SEND", "headers": {"destination": "/topic/orders.eu"}, "body": {"id": 1, "qty": 2}}
    Receive    orders    $[?(@.command == "MESSAGE")].body.qty    ==    2
    ${coverage}=    Get Contract Coverage    orders
    Should Be Equal As Integers    ${coverage}[operations][placeOrder]    1
    Should Be Equal As Integers    ${coverage}[operations][deliverOrder]    1
    Run Keyword And Expect Error
    ...    *#3 sent: no channel of *orders-stomp.yml has the address '/topic/orders.asia'*
    ...    Send    orders    {"command": "SEND", "headers": {"destination": "/topic/orders.asia"}, "body": {"id": 1, "qty": 2}}
    Send    rogue    {"command": "SEND", "headers": {"destination": "/topic/orders.eu"}, "body": {"id": 2, "qty": 0}}
    Run Keyword And Expect Error
    ...    *breaks the AsyncAPI contract*received: closest order: /qty: 0 is less than the minimum of 1
    ...    Receive    orders    $[?(@.command == "MESSAGE")].body.id    ==    2


*** Keywords ***
Connect MQTT
    [Documentation]    Opens an MQTT session to mosquitto named ``alias``.
    [Arguments]    ${alias}    &{options}
    Connect    ${MOSQUITTO}    alias=${alias}    protocol=mqtt
    ...    init={"username": "${BROKER_USER}", "password": "${BROKER_PASSWORD}"}    &{options}

Connect STOMP
    [Documentation]    Opens a STOMP session to RabbitMQ named ``alias``.
    [Arguments]    ${alias}    &{options}
    Connect    ${RABBITMQ_STOMP}    alias=${alias}    protocol=stomp
    ...    init={"login": "${BROKER_USER}", "passcode": "${BROKER_PASSWORD}"}    &{options}

Stop Brokers Of This Suite
    [Documentation]    Closes this suite's connections, then stops mosquitto.
    Disconnect All
    Stop Mosquitto
