*** Settings ***
Documentation       RobotWebSocket examples. They start the bundled demo server themselves:
...                 run them with ``robot docs/examples``.
Resource            demo.resource
Suite Setup         Start Demo Server
Suite Teardown      Stop Demo Server
