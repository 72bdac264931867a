*** Settings ***
Documentation       Rule keywords check their expression and reply template at once and add
...                 no rule when either is malformed.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Test Cases ***
A Malformed Expression Fails At Once
    Connect    ${NOISY}/echo    alias=malformed
    Run Keyword And Expect Error    *@.type ==*
    ...    Ignore Messages    malformed    $[?(@.type ==
    Run Keyword And Expect Error    *@.type ==*
    ...    Reply To Messages    malformed    $[?(@.type ==    reply=pong
    Run Keyword And Expect Error    *(unclosed*
    ...    Ignore Messages    malformed    regex=(unclosed
    ${removed}=    Remove Message Rules    malformed
    Should Be Equal As Integers    ${removed}    0

A Reply Placeholder That Is Not JSONPath Fails At Once
    Connect    ${NOISY}/echo    alias=template
    Run Keyword And Expect Error    *$.id)*
    ...    Reply To Messages    template    $.type    ==    ping    reply={"id": "{{$.id)}}"}
    Run Keyword And Expect Error    *$.id)*
    ...    Reply To Messages    not-yet-open    $.type    ==    ping    reply={"id": "{{$.id)}}"}
    ${removed}=    Remove Message Rules    template
    Should Be Equal As Integers    ${removed}    0
