*** Settings ***
Documentation       A connection opened in a parent suite's setup serves its child suites.
Resource            ../resources/common.resource
Suite Setup         Connect    ${WS}/echo    alias=parent
