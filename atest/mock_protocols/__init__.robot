*** Settings ***
Documentation       Mock servers that speak a protocol (``protocol=`` of `Start Mock Server`),
...                 each against that protocol's official client run as a child process: what
...                 the client saw (its output) and what the mock's client connection holds.
...                 Keep-alive intervals are short, so each test sleeps past several of them.
