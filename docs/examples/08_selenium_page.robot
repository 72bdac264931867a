*** Settings ***
Documentation       A web page in a real browser, driven by SeleniumLibrary, talks to a mock server:
...                 the test scripts the server's replies, asserts what the page sent, and reads
...                 what the page shows. The page (``servers/price_page.html``) is served by
...                 ``servers/page_server.py``; it connects to the WebSocket URL in its query
...                 string, subscribes to a price and shows each price and order fill it gets.
...
...                 It needs SeleniumLibrary (the ``demo`` extra) and Debian's ``chromium`` and
...                 ``chromium-driver``; where they are missing, the suite is skipped and says
...                 what to install. Give other paths with ``--variable CHROMIUM:...`` and
...                 ``--variable CHROMEDRIVER:...``.
Library             OperatingSystem
Library             RobotWebSocket    timeout=5s
Resource            servers.resource
Suite Setup         Open The Page's Browser
Suite Teardown      Close The Page's Browser
Test Setup          Start The Test's Mock Server
Test Teardown       Leave The Page


*** Variables ***
${CHROMIUM}             /usr/bin/chromium
${CHROMEDRIVER}         /usr/bin/chromedriver
# Chromium takes a few seconds to start, and its page to connect, on a busy machine.
${BROWSER_TIMEOUT}      30s


*** Test Cases ***
The Page Subscribes And Shows The Scripted Price
    [Documentation]    A rule answers the page's subscription at once; a price the test sends
    ...    later is shown too.
    Reply To Messages    mock    $.op    ==    subscribe
    ...    reply={"type": "price", "symbol": "{{$.symbol}}", "bid": 101.5}
    ${client}    Open The Page
    Receive    ${client}    $.symbol    ==    ACME
    Wait Until Element Contains    id:price    101.5
    Send    ${client}    {"type": "price", "symbol": "ACME", "bid": 102.25}
    Wait Until Element Contains    id:price    102.25

A Click Sends An Order And The Page Shows Its Fill
    [Documentation]    The page sends what the button says; the rule fills the order by its id.
    Reply To Messages    mock    $.op    ==    order
    ...    reply={"type": "fill", "id": "{{$.id}}", "status": "FILLED"}
    ${client}    Open The Page
    Wait Until Element Is Enabled    id:buy
    Click Button    id:buy
    Receive    ${client}    $.op    ==    order
    Receive    ${client}    $.qty    ==    1
    Wait Until Element Contains    id:order    Order o-1: FILLED
    Get Message Count    ${client}    $.op    ==    2

The Page Shows That The Server Went Away
    [Documentation]    ``Stop Mock Server`` closes the page's connection with 1001 (going away).
    ${client}    Open The Page
    Receive    ${client}    $.op    ==    subscribe
    Stop Mock Server
    Wait Until Element Contains    id:status    closed 1001


*** Keywords ***
Open The Page's Browser
    [Documentation]    Skips the suite when no browser can be driven here; otherwise starts
    ...    the page server as ``${PAGE}`` and opens headless Chromium.
    ${missing}    Evaluate    [path for path in ($CHROMIUM, $CHROMEDRIVER) if not os.access(path, os.X_OK)]
    ...    modules=os
    IF    $missing
        Skip    No browser to drive: ${{", ".join($missing)}} missing. Install them with: apt-get install chromium chromium-driver
    END
    ${imported}    Run Keyword And Return Status    Import Library    SeleniumLibrary
    IF    not ${imported}
        Skip    SeleniumLibrary is not installed. Install it with: pip install robotframework-seleniumlibrary (or the demo extra).
    END
    ${url}    Start Example Server    page    page_server.py
    VAR    ${PAGE}    ${{$url.replace("ws://", "http://", 1)}}    scope=GLOBAL
    # The same flags as the mock-server tests' browser; a fresh profile each run.
    VAR    ${options}
    ...    binary_location=r"${CHROMIUM}"
    ...    add_argument("--headless")
    ...    add_argument("--no-sandbox")
    ...    add_argument("--disable-gpu")
    ...    add_argument("--no-first-run")
    ...    add_argument("--disable-background-networking")
    ...    add_argument("--disable-component-update")
    ...    add_argument("--disable-sync")
    ...    add_argument("--window-size=800,600")
    ...    separator=;
    Open Browser    about:blank    chrome    options=${options}
    ...    service=executable_path=r"${CHROMEDRIVER}"
    Set Selenium Timeout    ${BROWSER_TIMEOUT}

Start The Test's Mock Server
    [Documentation]    Starts a mock server for the test, as ``${MOCK}``.
    ${url}    Start Mock Server
    VAR    ${MOCK}    ${url}    scope=GLOBAL

Open The Page
    [Documentation]    Opens the page on the test's mock server and returns the page's
    ...    connection once it has connected.
    Go To    ${PAGE}/?ws=${MOCK}
    ${client}    Wait For Client    timeout=${BROWSER_TIMEOUT}
    RETURN    ${client}

Leave The Page
    [Documentation]    Leaves the page, so that it closes its connection, and stops the
    ...    test's mock server and its rules.
    Run Keyword If Test Failed    Capture Page Screenshot
    Go To    about:blank
    Disconnect All

Close The Page's Browser
    [Documentation]    Closes the browser and stops the page server, whichever of them started.
    Run Keyword And Ignore Error    Close All Browsers
    Run Keyword And Ignore Error    Stop Example Server    page
