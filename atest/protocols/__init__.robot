*** Settings ***
Documentation       Protocols over WebSocket (``protocol=`` of ``Connect``) against real servers.
...                 RabbitMQ takes about ten seconds to start, so one node, started here, serves
...                 every suite in this folder; pabot keeps the folder in one process
...                 (``atest/pabot-ordering.txt``). The ``broker`` tag lets ``tox -e pabot``
...                 leave the folder to the other acceptance runs, for time.
Library             ../resources/Brokers.py
Test Tags           broker
Suite Setup         Start RabbitMQ
Suite Teardown      Stop RabbitMQ
