*** Settings ***
Documentation       Save Conversation writes a HAR 1.2 file for a mock server's client, and for
...                 a library connection to a mock server: both sides of one conversation.
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
    ${har}=    Read Conversation    ${path}    send=2    receive=4
    Opcodes Should Be Counted    ${har}    send    text=1    binary=1
    Opcodes Should Be Counted    ${har}    receive    text=2    binary=2
    Har Should Have Message    ${har}    receive    1    {"type": "hello"}
    Har Should Have Message    ${har}    receive    2    AAH/
    Har Should Have Message    ${har}    send    1    text one
    Har Should Have Message    ${har}    send    2    ${SENT_BYTES_BASE64}
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
    Read Conversation    ${path}    send=${info}[sent]    receive=${info}[received]

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
    ${server_har}=    Read Conversation    ${server_path}    send=2    receive=1
    Both Sides Should Have Message    ${client_har}    ${server_har}    1    from the library client
    Both Sides Should Have Message    ${server_har}    ${client_har}    2    ${SENT_BYTES_BASE64}
    FOR    ${har}    IN    ${client_har}    ${server_har}
        Upgrade Request Should Mask Credentials    ${har}
    END


*** Keywords ***
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

Both Sides Should Have Message
    [Documentation]    The message that ``sender_har`` sent (``opcode``, ``data``) is one that
    ...    ``receiver_har`` received.
    [Arguments]    ${sender_har}    ${receiver_har}    ${opcode}    ${data}
    Har Should Have Message    ${sender_har}    send    ${opcode}    ${data}
    Har Should Have Message    ${receiver_har}    receive    ${opcode}    ${data}

Upgrade Request Should Mask Credentials
    [Documentation]    The upgrade request's Authorization header is kept, with its value masked.
    [Arguments]    ${har}
    ${values}=    Get Har Request Header    ${har}    Authorization
    Should Be Equal    ${values}    ${{["***"]}}
