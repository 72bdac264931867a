*** Settings ***
Documentation       Two users on one chat URL: aliases name the two connections.
Library             RobotWebSocket
Suite Teardown      Disconnect All


*** Test Cases ***
Alice Talks To Bob
    Connect    ${DEMO}/chat    alias=alice
    Connect    ${DEMO}/chat    alias=bob
    Send    alice    {"from": "alice", "text": "hi bob"}
    ${text}=    Receive    bob    $[?(@.from == "alice")].text
    Should Be Equal    ${text}    hi bob
    Get Message Count    alice    $.from    ==    1
