"""A keyword that does nothing, to measure what Robot itself costs per call."""


def trivial(value: str) -> str:
    return value
