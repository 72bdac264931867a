*** Settings ***
Documentation       A web page in headless Chromium as the mock server's client: the test
...                 scripts the server side and reads what the page saw from the browser console.
Resource            ../resources/clients/mock_clients.resource
Test Setup          Start Mock Server For The Test
Test Teardown       Stop Clients And Servers


*** Variables ***
# Chromium takes a few seconds to start on a busy machine.
${BROWSER_TIMEOUT}      30s


*** Test Cases ***
A Browser Page Exchanges Messages With The Mock Server
    ${browser}=    Start Browser Client    ${MOCK_URL}/page?from=chromium
    ${name}=    Wait For Client    timeout=${BROWSER_TIMEOUT}
    Receive    ${name}    ==    hello from browser
    ${reply}=    Send And Receive    ${name}    ping from robot
    Should Be Equal    ${reply}    browser got: ping from robot
    ${bytes}=    Convert To Bytes    \x00\x01\xff
    ${echoed}=    Send And Receive    ${name}    ${bytes}
    Should Be Equal    ${echoed}    ${bytes}
    Wait For Client Event    ${browser}    message    data=ping from robot
    Wait For Client Event    ${browser}    message    data=AAH/
    ${info}=    Get Connection Info    ${name}
    Should Be Equal    ${info}[path]    /page?from=chromium
    ${agent}=    Header Value    ${info}[request_headers]    User-Agent
    Should Contain    ${agent}    Chrome

The Page Closing Is Seen By Wait Until Closed
    ${browser}=    Start Browser Client    ${MOCK_URL}/page
    ${name}=    Wait For Client    timeout=${BROWSER_TIMEOUT}
    Send    ${name}    close please
    ${close}=    Wait Until Closed    ${name}
    Should Be Equal As Integers    ${close}[code]    4000
    Should Be Equal    ${close}[reason]    page done
    Client Should See Close    ${browser}    4000    page done

The Page Sees The Code Of Stop Mock Server
    ${browser}=    Start Browser Client    ${MOCK_URL}/page
    ${name}=    Wait For Client    timeout=${BROWSER_TIMEOUT}
    Receive    ${name}    ==    hello from browser
    Stop Mock Server
    Client Should See Close    ${browser}    1001

The Page Is Given The Subprotocol It Offers
    [Setup]    Start Mock Server For The Test    subprotocols=${{["chat.v2", "chat.v1"]}}
    ${browser}=    Start Browser Client    ${MOCK_URL}/page    subprotocols=${{["chat.v1"]}}
    ${name}=    Wait For Client    timeout=${BROWSER_TIMEOUT}
    ${info}=    Get Connection Info    ${name}
    Should Be Equal    ${info}[subprotocol]    chat.v1
    ${open}=    Wait For Client Event    ${browser}    open
    Should Be Equal    ${open}[subprotocol]    chat.v1
