"""AsyncAPI contracts: documents read, messages checked, requests correlated, coverage counted
and mock answers taken from examples. Pure: no asyncio, no robot.

::

    contract = Contract("kraken.yml", "wss://ws.kraken.com/")     # ContractError if unusable
    verdict = contract.check('{"event": "heartbeat"}', "received")  # role="client"
    verdict.conforms, verdict.messages, verdict.operations, verdict.format(12)
    coverage = contract.coverage(); coverage.add(verdict); coverage.as_dict()
    correlation = contract.correlation(request)   # or Correlation.of("$.reqid")
    answer = contract.answer(client_message)       # on a mock server
"""

from .contract import Answer, Contract, describe_channels, payload_of, server_action
from .correlation import MISSING, Correlation, member_path
from .loader import ContractError, Files, Place
from .model import Channel, Document, Message, Operation, Parameter, Reply, Server, read
from .schemas import Problem
from .verdicts import Coverage, Match, Verdict

__all__ = [
    "MISSING",
    "Answer",
    "Channel",
    "Contract",
    "ContractError",
    "Correlation",
    "Coverage",
    "Document",
    "Files",
    "Match",
    "Message",
    "Operation",
    "Parameter",
    "Place",
    "Problem",
    "Reply",
    "Server",
    "Verdict",
    "describe_channels",
    "member_path",
    "payload_of",
    "read",
    "server_action",
]
