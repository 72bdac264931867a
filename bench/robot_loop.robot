*** Settings ***
Documentation       2,000 (or ${N}) Send And Receive in a FOR loop, against the same loop
...                 calling a trivial keyword, so the library's share of a keyword call shows.
Library             RobotWebSocket
Library             ${CURDIR}/trivial.py
Suite Setup         Connect    ${URL}    compression=False
Suite Teardown      Disconnect All


*** Variables ***
${N}        2000
${URL}      ws://127.0.0.1:8765/echo


*** Test Cases ***
Trivial Keyword Loop
    FOR    ${i}    IN RANGE    ${N}
        Trivial    ${i}
    END

Send And Receive Loop
    FOR    ${i}    IN RANGE    ${N}
        Send And Receive    ${URL}    {"n": ${i}}    $.n    ==    ${i}
    END
