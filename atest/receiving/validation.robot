*** Settings ***
Documentation       Should Be Valid Json and Should Be Valid Xml, with JSON Schema and XSD.
Resource            ../resources/common.resource
Test Teardown       Disconnect All


*** Variables ***
${SCHEMAS}      ${CURDIR}/../resources/schemas


*** Test Cases ***
A Received Message Is Valid JSON Against A Schema File
    Connect    ${WS}/echo
    Send    ${WS}/echo    {"id": "a-1", "qty": 2, "items": [{"sku": "x"}]}
    ${msg}=    Receive    ${WS}/echo
    ${order}=    Should Be Valid Json    ${msg}    schema=${SCHEMAS}/order.schema.json
    Should Be Equal As Integers    ${order}[qty]    2

A Schema As A Dictionary Or As JSON Text
    ${schema}=    Create Dictionary    type=object
    Should Be Valid Json    {"a": 1}    schema=${schema}
    Should Be Valid Json    {"a": 1}    schema={"type": "object", "required": ["a"]}

An Extracted Value Can Be Validated
    Connect    ${WS}/echo
    Send    ${WS}/echo    {"order": {"id": "a-2", "qty": 1}}
    ${order}=    Receive    ${WS}/echo    $.order
    Should Be Valid Json    ${order}    schema=${SCHEMAS}/order.schema.json

Invalid JSON Fails
    Run Keyword And Expect Error    Value is not valid JSON: *    Should Be Valid Json    {"a": 1

Schema Violations Name The Rule And The Place
    ${expected}=    Catenate    SEPARATOR=\n
    ...    JSON does not match the schema (2 error(s)):
    ...    ${SPACE}${SPACE}$.items[0]: 'sku' is a required property (rule required)
    ...    ${SPACE}${SPACE}$.qty: 0 is less than the minimum of 1 (rule minimum)
    Run Keyword And Expect Error    EQUALS:${expected}
    ...    Should Be Valid Json    {"id": "a", "qty": 0, "items": [{}]}    schema=${SCHEMAS}/order.schema.json

A Missing Or Invalid Schema Is An Argument Error
    Run Keyword And Expect Error    Schema file '/no/such.json' does not exist.
    ...    Should Be Valid Json    {}    schema=/no/such.json
    Run Keyword And Expect Error    Schema is not a valid JSON Schema: *
    ...    Should Be Valid Json    {}    schema={"type": 12}

XML Is Valid Against An XSD
    Connect    ${WS}/xml
    Send    ${WS}/xml    note
    ${msg}=    Receive    ${WS}/xml
    Should Be Valid Xml    ${msg}
    Should Be Valid Xml    ${msg}    schema=${SCHEMAS}/order.xsd

Malformed XML Fails
    Run Keyword And Expect Error    Value is not well-formed XML: *    Should Be Valid Xml    <a><b></a>

XSD Violations Name The Line And The Rule
    Run Keyword And Expect Error    XML does not match the schema (1 error(s)):*line 1:*status*
    ...    Should Be Valid Xml    <order id="1"><item sku="a">1</item><note/></order>
    ...    schema=${SCHEMAS}/order.xsd

A Missing XSD Is An Argument Error
    Run Keyword And Expect Error    Schema file '/no/such.xsd' does not exist.
    ...    Should Be Valid Xml    <a/>    schema=/no/such.xsd
