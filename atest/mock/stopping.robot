*** Settings ***
Documentation       Stopping a mock server: the code its clients see, the port it frees, and
...                 numbering that starts again at 1 when it is started again.
Resource            ../resources/clients/mock_clients.resource
Test Setup          Start Mock Server For The Test
Test Teardown       Stop Clients And Servers


*** Test Cases ***
Stop Mock Server Closes Clients With 1001
    ${node}=    Start Node Client    ${MOCK_URL}/a
    ${first}=    Wait For Client
    ${python}=    Start Python Client    ${MOCK_URL}/b
    Wait For Client
    Wait For Client Event    ${python}    open
    Stop Mock Server
    Client Should See Close    ${node}    1001
    Client Should See Close    ${python}    1001
    ${info}=    Get Connection Info    ${first}
    Should Be Equal    ${info}[state]    closed
    Connecting Should Be Refused    ${MOCK_URL}/after-stop

Stop Mock Server Closes Clients With The Given Code And Reason
    ${node}=    Start Node Client    ${MOCK_URL}/a
    Wait For Client
    ${python}=    Start Python Client    ${MOCK_URL}/b
    Wait For Client
    Wait For Client Event    ${python}    open
    Stop Mock Server    code=1012    reason=restarting
    Client Should See Close    ${node}    1012    restarting
    Client Should See Close    ${python}    1012    restarting

Stop Mock Server Stops A Server By Its Alias
    ${url}=    Start Mock Server    alias=other
    ${client}=    Start Node Client    ${url}/x
    Wait For Client    other
    Stop Mock Server    other
    Client Should See Close    ${client}    1001
    Connecting Should Be Refused    ${url}/x
    Start Python Client    ${MOCK_URL}/still-served
    ${name}=    Wait For Client
    Should Be Equal    ${name}    mock#1

Numbering Starts Again At 1 When The Server Is Started Again
    Start Node Client    ${MOCK_URL}/first
    Wait For Client
    Start Node Client    ${MOCK_URL}/second
    ${second}=    Wait For Client
    Should Be Equal    ${second}    mock#2
    Stop Mock Server
    ${url}=    Start Mock Server
    Start Python Client    ${url}/third
    ${again}=    Wait For Client
    Should Be Equal    ${again}    mock#1
    ${info}=    Get Connection Info    mock#1
    Should Be Equal    ${info}[path]    /third
    Should Be Equal    ${info}[state]    open

Disconnect All Stops Mock Servers
    ${client}=    Start Node Client    ${MOCK_URL}/a
    ${name}=    Wait For Client
    Wait For Client Event    ${client}    open
    Disconnect All
    ${close}=    Wait For Client Event    ${client}    close
    Should Contain    ${{[1000, 1001]}}    ${close}[code]
    ${info}=    Get Connection Info    ${name}
    Should Be Equal    ${info}[state]    closed
    Connecting Should Be Refused    ${MOCK_URL}/after-disconnect-all
