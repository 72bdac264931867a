*** Settings ***
Documentation       wss:// with a certificate made at test time: CA file, verify=False, mutual TLS.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Test Cases ***
A Server Certificate Is Verified By Default
    Run Keyword And Expect Error
    ...    Connecting to ${WSS}/echo failed: the server certificate could not be verified*verify=False*
    ...    Connect    ${WSS}/echo

A CA File Makes The Certificate Trusted
    Connect    ${WSS}/echo    ca_file=${CA}
    ${reply}=    Send And Receive    ${WSS}/echo    over tls
    Should Be Equal    ${reply}    over tls

Verify False Accepts A Self-Signed Server
    [Documentation]    Logs an intended [ WARN ]: the certificate is not verified.
    Connect    ${WSS}/echo    verify=False
    ${reply}=    Send And Receive    ${WSS}/echo    unverified
    Should Be Equal    ${reply}    unverified

Mutual TLS With A Client Certificate
    Connect    ${MTLS}/echo    ca_file=${CA}    client_cert=${CLIENT_CERT}    client_key=${CLIENT_KEY}
    ${reply}=    Send And Receive    ${MTLS}/echo    mutual
    Should Be Equal    ${reply}    mutual

Mutual TLS Without A Client Certificate Fails
    [Documentation]    A TLS failure names ``certificate`` or ``SSL``, as the keyword documentation promises.
    Run Keyword And Expect Error    REGEXP:(?s)Connecting to \\S+ failed: .*(certificate|SSL).*
    ...    Connect    ${MTLS}/echo    ca_file=${CA}

A Missing CA File Is Reported
    Run Keyword And Expect Error    Cannot load the TLS files: *
    ...    Connect    ${WSS}/echo    ca_file=/no/such/ca.pem
