*** Settings ***
Documentation       Starts a mock server with a connected client and leaves both for the end of
...                 the suite; lifetime_2_checks_it_stopped.robot, which runs next, checks that
...                 the server was stopped when this suite ended.
Resource            ../resources/clients/mock_clients.resource


*** Test Cases ***
Leave A Mock Server Running With A Client
    ${url}=    Start Mock Server    alias=left-running
    ${client}=    Start Node Client    ${url}/left
    ${name}=    Wait For Client    left-running
    Should Be Equal    ${name}    left-running#1
    Wait For Client Event    ${client}    open
    Set Global Variable    ${LEFT_RUNNING_URL}    ${url}
    Set Global Variable    ${LEFT_RUNNING_CLIENT}    ${client}
