*** Settings ***
Documentation       A mock central system refuses, with HTTP 400, a client that does not offer
...                 its OCPP version.
Resource            protocol_clients.resource
Test Teardown       Stop Clients And Servers


*** Test Cases ***
A Client Without The OCPP Subprotocol Gets HTTP 400
    ${url}=    Start Mock Server    alias=csms    protocol=ocpp1.6
    Run Keyword And Expect Error    *400*ocpp1.6*    Connect    ${url}/CP-9
    Run Keyword And Expect Error    *400*    Connect    ${url}/CP-9    subprotocols=ocpp2.0.1
    Connect    ${url}/CP-9    subprotocols=ocpp2.0.1,ocpp1.6    alias=cp
    ${info}=    Get Connection Info    cp
    Should Be Equal    ${info}[subprotocol]    ocpp1.6
    Wait For Client    csms
