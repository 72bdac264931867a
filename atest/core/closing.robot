*** Settings ***
Documentation       Disconnect, Wait Until Closed and close codes.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Test Cases ***
Disconnect Is Idempotent
    Connect    ${WS}/echo
    Disconnect    ${WS}/echo
    Disconnect    ${WS}/echo
    ${info}=    Get Connection Info    ${WS}/echo
    Should Be Equal    ${info}[state]    closed
    Should Be Equal As Integers    ${info}[close_code]    1000

Disconnect With A Code And Reason
    Connect    ${WS}/echo
    Disconnect    ${WS}/echo    code=4000    reason=done here
    ${info}=    Get Connection Info    ${WS}/echo
    Should Be Equal As Integers    ${info}[close_code]    4000
    Should Be Equal    ${info}[close_reason]    done here

Disconnect Rejects Codes That Cannot Be Sent
    Connect    ${WS}/echo
    Run Keyword And Expect Error    Close code 1005 cannot be sent*    Disconnect    ${WS}/echo    code=1005

Wait Until Closed Reports The Server's Code And Reason
    FOR    ${code}    IN    1000    1001    1008    1011    4001    4999
        Connect    ${WS}/close?code=${code}&reason=because+${code}
        ${close}=    Wait Until Closed    ${WS}/close?code=${code}&reason=because+${code}
        Should Be Equal As Integers    ${close}[code]    ${code}
        Should Be Equal    ${close}[reason]    because ${code}
        ${info}=    Get Connection Info    ${WS}/close?code=${code}&reason=because+${code}
        Should Be Equal As Integers    ${info}[close_code]    ${code}
        Should Be Equal    ${info}[state]    closed
    END

Wait Until Closed Reports 1006 When The TCP Connection Drops
    Connect    ${WS}/drop
    ${close}=    Wait Until Closed    ${WS}/drop
    Should Be Equal As Integers    ${close}[code]    1006

Wait Until Closed Fails When Still Open
    Connect    ${WS}/silent
    Run Keyword And Expect Error
    ...    Connection '${WS}/silent' is still open after waiting 0.3 s for it to close (timed out).
    ...    Wait Until Closed    ${WS}/silent    timeout=0.3s

A Message Larger Than Max Size Closes With 1009
    Connect    ${WS}/big?size=200000    max_size=100000
    ${close}=    Wait Until Closed    ${WS}/big?size=200000
    Should Be Equal As Integers    ${close}[code]    1009
    Should Contain    ${close}[reason]    max_size=100000
    Run Keyword And Expect Error    Cannot send on *close code 1009*message too big*
    ...    Send    ${WS}/big?size=200000    hello

Messages Received Before The Close Stay In The History
    Connect    ${WS}/drop
    Wait Until Closed    ${WS}/drop
    ${last}=    Receive    ${WS}/drop
    Should Be Equal    ${last}    bye

Send On A Connection The Server Closed Fails With The Code
    Connect    ${WS}/close?code=4001&reason=bye
    Wait Until Closed    ${WS}/close?code=4001&reason=bye
    Run Keyword And Expect Error
    ...    Cannot send on '${WS}/close?code=4001&reason=bye': the connection is closed (close code 4001, reason 'bye').
    ...    Send    ${WS}/close?code=4001&reason=bye    hello

Disconnect All Closes Every Connection
    Connect    ${WS}/echo    alias=a
    Connect    ${WS}/echo    alias=b
    Disconnect All
    FOR    ${name}    IN    a    b
        ${info}=    Get Connection Info    ${name}
        Should Be Equal    ${info}[state]    closed
    END
