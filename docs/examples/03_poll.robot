*** Settings ***
Documentation       Ask again until the job is done: Receive Until re-sends on every iteration.
Library             RobotWebSocket
Suite Teardown      Disconnect All


*** Test Cases ***
Poll Until Done
    Connect    ${DEMO}/poll
    ${state}=    Receive Until    ${DEMO}/poll    $.status    ==    done
    ...    send={"op": "status"}    max_iterations=10    interval=1s
    Should Be Equal    ${state}    done
