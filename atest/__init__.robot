*** Settings ***
Documentation       RobotWebSocket acceptance tests, against a real WebSocket server on free ports.
Resource            resources/common.resource
Suite Setup         Start Server
Suite Teardown      Stop Server
