*** Settings ***
Documentation       Message rules: ignoring messages, automatic replies, heartbeats and pings,
...                 against servers that interleave housekeeping with real messages and drop
...                 clients that leave their pings unanswered.
Resource            ../resources/common.resource
Library             ../resources/RuleServers.py
Suite Setup         Start Rule Servers
Suite Teardown      Stop Rule Servers And Connections


*** Keywords ***
Start Rule Servers
    [Documentation]    Starts both servers on free ports and publishes ``${NOISY}`` (the base
    ...    URL of noisy_server.py) and ``${ENGINE_IO}`` (the Engine.IO WebSocket URL of the
    ...    python-socketio server) as global variables.
    ${noisy}=    Start Noisy Server
    Set Global Variable    ${NOISY}    ${noisy}
    ${engine_io}=    Start Socketio Server
    Set Global Variable    ${ENGINE_IO}    ${engine_io}

Stop Rule Servers And Connections
    [Documentation]    Closes every connection, then stops both servers.
    Disconnect All
    Stop Rule Servers
