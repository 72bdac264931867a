"""Keeping credentials out of logs, returned values and failure messages.

Pure. A header is sensitive when its name is Authorization, Cookie, Set-Cookie or
Proxy-Authorization, or contains ``token``, ``secret``, ``key``, ``password``, ``passcode`` or ``auth``;
Robot ``Secret`` values are always sensitive. URL query parameters with such names are
masked too (``?token=...``, ``?access_token=...``, ``?api_key=...``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

MASK = "***"
_SENSITIVE_NAMES = {"authorization", "cookie", "set-cookie", "proxy-authorization"}
_SENSITIVE_PARTS = (
    "token",
    "secret",
    "key",
    "password",
    "passwd",
    "passcode",
    "auth",
    "session",
)


#: The handshake's nonce and its answer: "key" in the name, but no credential.
_NOT_SENSITIVE = {"sec-websocket-key", "sec-websocket-accept"}


def is_sensitive(name: str) -> bool:
    lowered = name.lower()
    if lowered in _NOT_SENSITIVE:
        return False
    return lowered in _SENSITIVE_NAMES or any(part in lowered for part in _SENSITIVE_PARTS)


def is_secret(value: Any) -> bool:
    """Whether ``value`` is a Robot ``Secret`` (RF 7.4+), told by its shape so that this
    module imports on every Robot version."""
    return type(value).__name__ == "Secret" and hasattr(value, "value")


def reveal(value: Any, nested: bool = False, found: Callable[[str], None] | None = None) -> Any:
    """The plain value of a Robot ``Secret``, or the value itself. With ``nested``,
    dictionaries and lists (a protocol's ``init``) come back with every ``Secret`` in them
    replaced. ``found`` is told each secret's text (to mask it from then on)."""
    if is_secret(value):
        if found is not None:
            found(str(value.value))
        return value.value
    if nested and isinstance(value, Mapping):
        return {key: reveal(item, True, found) for key, item in value.items()}
    if nested and isinstance(value, (list, tuple)):
        return [reveal(item, True, found) for item in value]
    return value


def mask_headers(headers: Mapping[str, Any] | None) -> dict[str, Any]:
    """A copy of ``headers`` with credential values replaced by :data:`MASK`."""
    if not headers:
        return {}
    return {
        name: MASK if is_sensitive(str(name)) or is_secret(value) else value
        for name, value in headers.items()
    }


def mask_url(url: str) -> str:
    """``url`` with the values of credential query parameters (and a password) masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    masked = url
    if parts.password:
        masked = masked.replace(f":{parts.password}@", f":{MASK}@", 1)
    if parts.query:
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            if value and is_sensitive(name):
                masked = re.sub(
                    rf"([?&]{re.escape(name)}=)[^&#]*", rf"\g<1>{MASK}", masked, count=1
                )
    return masked


def mask_text(text: str, secrets: list[str]) -> str:
    """``text`` with every known secret value replaced."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, MASK)
    return text


def sensitive_values(value: Any, sensitive: bool = False) -> list[str]:
    """The strings in ``value`` (a protocol's ``init``: nested dictionaries and lists)
    that sit under a sensitive name, as header values do."""
    if isinstance(value, Mapping):
        found: list[str] = []
        for name, item in value.items():
            found.extend(sensitive_values(item, sensitive or is_sensitive(str(name))))
        return found
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in sensitive_values(item, sensitive)]
    # A flag under a credential-like name (MQTT's ``clean_session``) is no secret: masking
    # "True" would hide every true value in the log.
    if not sensitive or isinstance(value, bool) or not isinstance(value, (str, int)):
        return []
    return [str(value)] if str(value) else []


def mask_nested(value: Any, sensitive: bool = False) -> Any:
    """A copy of ``value`` (a session: nested dictionaries and lists) with the values under
    a sensitive name replaced by :data:`MASK`, as :func:`sensitive_values` finds them;
    flags stay as they are."""
    if isinstance(value, Mapping):
        return {
            name: mask_nested(item, sensitive or is_sensitive(str(name)))
            for name, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [mask_nested(item, sensitive) for item in value]
    if is_secret(value) or (
        sensitive and isinstance(value, (str, int)) and not isinstance(value, bool) and str(value)
    ):
        return MASK
    return value
