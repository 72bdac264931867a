*** Settings ***
Documentation       Save Conversation writes a HAR 1.2 file for a mock server's client, and for
...                 a library connection to a mock server: both sides of one conversation. A file
...                 reads as its client saw the conversation, as browsers write HAR files.
Resource            ../resources/clients/mock_clients.resource
Test Setup          Start Mock Server For The Test
Test Teardown       Stop Clients And Servers


*** Variables ***
# Base64 of the bytes 10 20 that the tests send, as a HAR holds binary data.
${SENT_BYTES_BASE64}        ECA=


*** Test Cases ***
The Conversation With A Real Client Is Saved As HAR
    ${start}=    Evaluate    time.time()
    ${name}=    Talk With An Echoing Node Client
    ${path}=    Save Conversation    ${name}    ${OUTPUT_DIR}${/}mock-client-conversation.har
    Should Be Equal As Strings    ${path}    ${OUTPUT_DIR}${/}mock-client-conversation.har
    ${end}=    Evaluate    time.time()
    ${har}=    Read Conversation    ${path}    send=4    receive=2
    Opcodes Should Be Counted    ${har}    send    text=2    binary=2
    Opcodes Should Be Counted    ${har}    receive    text=1    binary=1
    Har Should Have Message    ${har}    send    1    {"type": "hello"}
    Har Should Have Message    ${har}    send    2    AAH/
    Har Should Have Message    ${har}    receive    1    text one
    Har Should Have Message    ${har}    receive    2    ${SENT_BYTES_BASE64}
    Har Messages Should Be In Time Order Between    ${har}    ${start}    ${end}
    Upgrade Request Should Mask Credentials    ${har}

The Counts In The HAR Match The Connection Info
    ${client}=    Start Python Client    ${MOCK_URL}/counted    one    two    three    echo=${EMPTY}
    ${name}=    Wait For Client
    Send    ${name}    back
    Get Message Count    ${name}    ==    4
    Wait For Client Event    ${client}    message    data=back
    ${info}=    Get Connection Info    ${name}
    ${path}=    Save Conversation    ${name}    ${OUTPUT_DIR}${/}mock-counted-conversation.har
    # What the mock server received is what its client sent.
    Read Conversation    ${path}    send=${info}[received]    receive=${info}[sent]

Both Sides Of A Library Connection To The Mock Server Are Saved
    ${url}=    Set Variable    ${MOCK_URL}/chat?room=1
    Connect    ${url}    headers={"Authorization": "Bearer ${TOKEN}"}
    ${name}=    Wait For Client
    Send    ${url}    from the library client
    Receive    ${name}    ==    from the library client
    Send    ${name}    from the mock server
    ${bytes}=    Convert To Bytes    \x10\x20
    Send    ${name}    ${bytes}
    Get Message Count    ${url}    ==    2
    ${client_path}=    Save Conversation    ${url}    ${OUTPUT_DIR}${/}mock-library-client.har
    ${server_path}=    Save Conversation    ${name}    ${OUTPUT_DIR}${/}mock-library-server.har
    ${client_har}=    Read Conversation    ${client_path}    send=1    receive=2
    ${server_har}=    Read Conversation    ${server_path}    send=1    receive=2
    FOR    ${har}    IN    ${client_har}    ${server_har}
        Har Should Hold The Library Clients Conversation    ${har}
    END

Ignored Messages And The Frames Rules Sent Are In The File, Marked
    ${url}=    Set Variable    ${MOCK_URL}/marks
    ${name}=    Talk To A Mock Server That Answers By Rules    ${url}
    ${client_path}=    Save Conversation    ${url}    ${OUTPUT_DIR}${/}mock-marks-client.har
    ${server_path}=    Save Conversation    ${name}    ${OUTPUT_DIR}${/}mock-marks-server.har
    ${client_har}=    Read Conversation    ${client_path}    send=2    receive=2
    ${server_har}=    Read Conversation    ${server_path}    send=2    receive=2
    Har Message Should Be Marked    ${client_har}    receive    {"op": "pong"}    _ignored
    Har Message Should Be Marked    ${server_har}    receive    {"op": "pong"}    _auto
    Har Message Should Be Marked    ${server_har}    receive    {"op": "done"}    _auto
    Har Message Should Not Be Marked    ${client_har}    receive    {"op": "done"}
    [Teardown]    Remove Rules And Stop


*** Keywords ***
Har Should Hold The Library Clients Conversation
    [Documentation]    As the client saw it: it sent one text, it received a text and bytes.
    [Arguments]    ${har}
    Har Should Have Message    ${har}    send    1    from the library client
    Har Should Have Message    ${har}    receive    1    from the mock server
    Har Should Have Message    ${har}    receive    2    ${SENT_BYTES_BASE64}
    Upgrade Request Should Mask Credentials    ${har}

Talk To A Mock Server That Answers By Rules
    [Documentation]    The mock server answers "ping" with "pong" and "last" with "done" by
    ...    rules; the library client at ``url`` ignores "pong". Returns the mock's client name
    ...    once "done" arrived: it was written after "pong" on the same socket, so "pong" was
    ...    read (and ignored) first.
    [Arguments]    ${url}
    Reply To Messages    mock    $.op    ==    ping    reply={"op": "pong"}
    Reply To Messages    mock    $.op    ==    last    reply={"op": "done"}
    Ignore Messages    ${url}    $.op    ==    pong
    Connect    ${url}
    ${name}=    Wait For Client
    Send    ${url}    {"op": "ping"}
    Send    ${url}    {"op": "last"}
    Receive    ${url}    $.op    ==    done
    RETURN    ${name}

Remove Rules And Stop
    [Documentation]    Rules belong to the name ``mock`` and would outlive the test.
    Remove Message Rules    mock
    Remove Message Rules    ${MOCK_URL}/marks
    Stop Clients And Servers

Har Message Should Be Marked
    [Documentation]    The HAR's ``direction`` message with text ``data`` carries ``mark`` (true).
    [Arguments]    ${har}    ${direction}    ${data}    ${mark}
    ${found}=    Find Har Messages    ${har}    ${direction}    1    ${data}
    Length Should Be    ${found}    1
    Should Be True    ${found}[0].get($mark) is True    ${data} is not marked ${mark}: ${found}[0]

Har Message Should Not Be Marked
    [Documentation]    The HAR's ``direction`` message with text ``data`` carries no mark.
    [Arguments]    ${har}    ${direction}    ${data}
    ${found}=    Find Har Messages    ${har}    ${direction}    1    ${data}
    Length Should Be    ${found}    1
    ${marks}=    Evaluate    [key for key in $found[0] if key.startswith("_")]
    Should Be Empty    ${marks}

Talk With An Echoing Node Client
    [Documentation]    A Node client, sending credential headers, sends a text and a binary
    ...    message; the server sends it a text and a binary one, which it echoes. Returns the
    ...    client's connection name once all four messages have arrived.
    &{headers}=    Create Dictionary    Authorization=Bearer ${TOKEN}    X-Api-Token=${API_TOKEN}
    ${hello_bytes}=    Convert To Bytes    \x00\x01\xff
    ${client}=    Start Node Client    ${MOCK_URL}/har?userId=7    {"type": "hello"}    ${hello_bytes}
    ...    headers=${headers}    echo=${EMPTY}
    ${name}=    Wait For Client
    Send    ${name}    text one
    ${bytes}=    Convert To Bytes    \x10\x20
    Send    ${name}    ${bytes}
    Get Message Count    ${name}    ==    4
    Wait For Client Event    ${client}    message    data=${SENT_BYTES_BASE64}
    RETURN    ${name}

Opcodes Should Be Counted
    [Documentation]    The HAR has ``text`` messages (opcode 1) and ``binary`` ones (opcode 2)
    ...    going in ``direction``.
    [Arguments]    ${har}    ${direction}    ${text}    ${binary}
    ${count}=    Count Har Messages    ${har}    ${direction}    opcode=1
    Should Be Equal As Integers    ${count}    ${text}
    ${count}=    Count Har Messages    ${har}    ${direction}    opcode=2
    Should Be Equal As Integers    ${count}    ${binary}

Upgrade Request Should Mask Credentials
    [Documentation]    The upgrade request's Authorization header is kept, with its value masked.
    [Arguments]    ${har}
    ${values}=    Get Har Request Header    ${har}    Authorization
    Should Be Equal    ${values}    ${{["***"]}}
