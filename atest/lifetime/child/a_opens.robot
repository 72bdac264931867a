*** Settings ***
Documentation       Opens a connection and leaves it open for the next suite to look at.
Resource            ../../resources/common.resource


*** Test Cases ***
Parent Connection Is Usable In A Child Suite
    ${reply}=    Send And Receive    parent    from child a
    Should Be Equal    ${reply}    from child a

Open A Connection And Leave It Open
    Connect    ${WS}/echo    alias=left-open
    ${info}=    Get Connection Info    left-open
    Should Be Equal    ${info}[state]    open
