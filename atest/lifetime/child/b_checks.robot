*** Settings ***
Documentation       Runs after a_opens.robot: what that suite opened is closed, the parent's is not.
Resource            ../../resources/common.resource


*** Test Cases ***
A Suite's Connections Are Closed When It Ends
    ${info}=    Get Connection Info    left-open
    Should Be Equal    ${info}[state]    closed

Parent Connection Is Still Open In The Next Child Suite
    ${reply}=    Send And Receive    parent    from child b
    Should Be Equal    ${reply}    from child b
