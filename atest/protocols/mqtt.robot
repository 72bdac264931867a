*** Settings ***
Documentation       MQTT 3.1.1 over WebSocket (``protocol=mqtt``) against RabbitMQ's web-MQTT
...                 plugin (started by the parent suite) and mosquitto, which also speaks QoS 2
...                 and answers bad credentials with a CONNACK return code.
Resource            ../resources/common.resource
Library             ../resources/Brokers.py
Suite Setup         Start Mosquitto
Suite Teardown      Stop Brokers Of This Suite


*** Test Cases ***
Connect Returns Once CONNACK Accepts The Session
    Connect To Broker    ${RABBITMQ_MQTT}    alias=rabbit
    ${info}=    Get Connection Info    rabbit
    Should Be Equal    ${info}[protocol]    mqtt
    Should Be Equal    ${info}[subprotocol]    mqtt
    Should Be Equal    ${info}[state]    open
    # A clean session: the broker had nothing stored for this client.
    Should Be Equal    ${info}[session]    ${False}
    Get Message Count    rabbit    ==    0

Subscribe Request Returns SUBACK With The Granted QoS
    Connect To Broker    ${RABBITMQ_MQTT}    alias=subscriber
    ${suback}=    Request    subscriber    {"type": "subscribe", "topics": ["robot/orders/#"], "qos": 1}
    Should Be Equal    ${suback}[type]    suback
    Should Be Equal As Integers    ${suback}[granted][0]    1

QoS 1 Publish Request Returns PUBACK And The JSON Payload Arrives Parsed
    Connect And Subscribe    ${RABBITMQ_MQTT}    orders    robot/orders/#    1
    ${type}=    Request    orders    {"topic": "robot/orders/7", "payload": {"id": 7, "status": "NEW"}, "qos": 1}    $.type    ==    puback
    Should Be Equal    ${type}    puback
    # The PUBACK and the delivery of the message may arrive in either order.
    ${status}=    Receive    orders    $[?(@.topic == "robot/orders/7")].payload.status    ==    NEW    last=10
    Should Be Equal    ${status}    NEW
    Receive    orders    $[?(@.topic == "robot/orders/7")].payload.id    ==    7    last=10
    Receive    orders    $[?(@.topic == "robot/orders/7")].qos    ==    1    last=10

Text Payload Stays Text
    Connect And Subscribe    ${RABBITMQ_MQTT}    texts    robot/texts    0
    Send    texts    {"topic": "robot/texts", "payload": "plain words"}
    ${payload}=    Receive    texts    $[?(@.type == "publish")].payload    ==    plain words
    Should Be Equal    ${payload}    plain words

QoS 0 Request Fails At Once Because Nothing Answers It
    Connect To Broker    ${RABBITMQ_MQTT}    alias=qos0
    ${start}=    Evaluate    time.monotonic()
    Run Keyword And Expect Error    *QoS 0*
    ...    Request    qos0    {"topic": "robot/qos0", "payload": "x", "qos": 0}    timeout=10s
    ${took}=    Evaluate    time.monotonic() - ${start}
    Should Be True    ${took} < 2    The QoS 0 Request waited ${took} s instead of failing at once.

Keepalive Keeps A Quiet Connection Open And PINGRESP Stays Out Of The History
    &{init}=    Create Dictionary    username=${BROKER_USER}    password=${BROKER_PASSWORD}    keepalive=${1}
    Connect    ${RABBITMQ_MQTT}    alias=quiet    protocol=mqtt    init=${init}
    # RabbitMQ drops a client that sends nothing for 1.5 keepalives (about 3 s here, seen
    # with a raw client); sleeping longer shows the library sends PINGREQ on its own.
    Sleep    5s
    Get Message Count    quiet    ==    0
    Request    quiet    {"type": "subscribe", "topics": ["robot/quiet"], "qos": 1}    $.type    ==    suback
    ${info}=    Get Connection Info    quiet
    Should Be Equal    ${info}[state]    open
    Should Be Equal As Integers    ${info}[received]    1

RabbitMQ Closes With 1002 On Bad Credentials Instead Of Sending CONNACK
    Run Keyword And Expect Error    *1002*
    ...    Connect    ${RABBITMQ_MQTT}    alias=intruder    protocol=mqtt
    ...    init={"username": "${BAD_USER}", "password": "not-a-password"}

Bad Credentials Fail With The CONNACK Return Code By Name
    # mosquitto 2.0 answers both an unknown user and a wrong password with return code 5.
    Run Keyword And Expect Error    *refused the mqtt session: not authorized*
    ...    Connect    ${MOSQUITTO}    alias=intruder    protocol=mqtt
    ...    init={"username": "${BAD_USER}", "password": "not-a-password"}
    Run Keyword And Expect Error    *refused the mqtt session: not authorized*
    ...    Connect    ${MOSQUITTO}    alias=wrong-password    protocol=mqtt
    ...    init={"username": "${BROKER_USER}", "password": "not-a-password"}

QoS 2 Publish Request Returns PUBCOMP And The Message Arrives Once
    Connect And Subscribe    ${MOSQUITTO}    exactly-once    robot/qos2    2
    ${pubcomp}=    Request    exactly-once    {"topic": "robot/qos2", "payload": {"n": 2}, "qos": 2}
    Should Be Equal    ${pubcomp}[type]    pubcomp
    # The PUBCOMP and the delivery of the message may arrive in either order.
    ${qos}=    Receive    exactly-once    $[?(@.topic == "robot/qos2")].qos    ==    2    last=10
    Should Be Equal As Integers    ${qos}    2
    Receive    exactly-once    $[?(@.topic == "robot/qos2")].payload.n    ==    2    last=10
    # The library completed the broker's delivery, so the broker does not send it again.
    Should Not Receive    exactly-once    $[?(@.type == "publish")]    within=1s
    Get Message Count    exactly-once    $[?(@.type == "publish")]    ==    1

Subscribe Is Granted QoS 2 By Mosquitto
    Connect To Broker    ${MOSQUITTO}    alias=granted
    ${granted}=    Request    granted    {"type": "subscribe", "topics": ["robot/granted"], "qos": 2}    $.granted[0]
    Should Be Equal As Integers    ${granted}    2

Unsubscribe Request Returns UNSUBACK And Stops Delivery
    Connect And Subscribe    ${MOSQUITTO}    leaving    robot/leaving    1
    ${type}=    Request    leaving    {"type": "unsubscribe", "topics": ["robot/leaving"]}    $.type
    Should Be Equal    ${type}    unsuback
    Request    leaving    {"topic": "robot/leaving", "payload": "after", "qos": 1}    $.type    ==    puback
    Should Not Receive    leaving    $[?(@.type == "publish")]    within=1s

Retained Message Reaches A Later Subscriber With Its Retain Flag
    Connect To Broker    ${MOSQUITTO}    alias=retainer
    Request    retainer    {"topic": "robot/retained", "payload": "kept", "qos": 1, "retain": true}    $.type    ==    puback
    Connect And Subscribe    ${MOSQUITTO}    latecomer    robot/retained    1
    ${retain}=    Receive    latecomer    $[?(@.topic == "robot/retained")].retain    ==    true    last=10
    Should Be True    ${retain}
    Receive    latecomer    $[?(@.topic == "robot/retained")].payload    ==    kept    last=10

Session Present Flag Reports A Stored Session
    &{init}=    Create Dictionary    client_id=robot-durable    clean_session=${False}
    ...    username=${BROKER_USER}    password=${BROKER_PASSWORD}
    Connect    ${MOSQUITTO}    alias=durable    protocol=mqtt    init=${init}
    Request    durable    {"type": "subscribe", "topics": ["robot/durable"], "qos": 1}    $.type    ==    suback
    ${info}=    Get Connection Info    durable
    Should Be Equal    ${info}[session]    ${False}
    Disconnect    durable
    Connect    ${MOSQUITTO}    alias=durable    protocol=mqtt    init=${init}
    ${info}=    Get Connection Info    durable
    Should Be Equal    ${info}[session]    ${True}


*** Keywords ***
Connect To Broker
    [Documentation]    Opens an MQTT session named ``alias`` as the test user.
    [Arguments]    ${url}    ${alias}
    Connect    ${url}    alias=${alias}    protocol=mqtt
    ...    init={"username": "${BROKER_USER}", "password": "${BROKER_PASSWORD}"}

Connect And Subscribe
    [Documentation]    Opens an MQTT session named ``alias`` and subscribes it to ``topic``.
    [Arguments]    ${url}    ${alias}    ${topic}    ${qos}
    Connect To Broker    ${url}    ${alias}
    Request    ${alias}    {"type": "subscribe", "topics": ["${topic}"], "qos": ${qos}}    $.type    ==    suback

Stop Brokers Of This Suite
    [Documentation]    Closes this suite's connections, then stops mosquitto.
    Disconnect All
    Stop Mosquitto
