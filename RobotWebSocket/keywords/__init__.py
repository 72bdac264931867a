"""Keyword classes, one module per concern, assembled into the library in ``__init__``."""
