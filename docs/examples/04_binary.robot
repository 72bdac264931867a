*** Settings ***
Documentation       Binary frames go out as bytes and come back as bytes; the log shows them as hex.
Library             RobotWebSocket
Suite Teardown      Disconnect All


*** Test Cases ***
Binary Round Trip
    ${frame}=    Convert To Bytes    00 01 02 fe ff    hex
    ${reply}=    Send And Receive    ${DEMO}/echo    ${frame}
    Should Be Equal    ${reply}    ${frame}

Regex Over Binary Data
    Send    ${DEMO}/echo    ID:12345    binary=True
    ${id}=    Receive    ${DEMO}/echo    regex=ID:(\\d+)
    Should Be Equal    ${id}    ${{b"12345"}}
