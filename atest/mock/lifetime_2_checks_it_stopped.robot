*** Settings ***
Documentation       Runs after lifetime_1_leaves_a_server_running.robot: the mock server that
...                 suite left running was stopped when it ended, closing its client with 1001.
Resource            ../resources/clients/mock_clients.resource
Test Setup          Skip If    $LEFT_RUNNING_URL is None
...                 Needs lifetime_1_leaves_a_server_running.robot to run first in the same process.
Test Teardown       Stop All Clients


*** Variables ***
# Set by lifetime_1_leaves_a_server_running.robot; None when that suite did not run before.
${LEFT_RUNNING_URL}         ${None}
${LEFT_RUNNING_CLIENT}      ${None}


*** Test Cases ***
The Client Of A Suite's Mock Server Was Closed With 1001
    Client Should See Close    ${LEFT_RUNNING_CLIENT}    1001
    Wait For Client To Exit    ${LEFT_RUNNING_CLIENT}

The Port Of A Suite's Mock Server Refuses Connections
    Connecting Should Be Refused    ${LEFT_RUNNING_URL}/after-the-suite

The Connection Of A Suite's Mock Server Client Is Closed
    ${info}=    Get Connection Info    left-running#1
    Should Be Equal    ${info}[state]    closed
