"""Key-like strings never reach an error, a log line or the database.

A provider may echo a key back in an error, and a prompt may quote one from
the environment; whichever way it comes, the value of every variable named
like a credential is replaced by ``***`` before ethos keeps the text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

SECRET_NAMES = re.compile(r"(API_KEY|_TOKEN|SECRET|ACCESS_KEY|CREDENTIALS)", re.IGNORECASE)
MIN_SECRET_LENGTH = 8  # shorter values would redact ordinary words


def env_secrets() -> list[str]:
    """The values of the environment's credential-like variables."""
    return [
        v for k, v in os.environ.items() if SECRET_NAMES.search(k) and len(v) >= MIN_SECRET_LENGTH
    ]


def redact(text: str, secrets: Sequence[str]) -> str:
    """``text`` with each secret (longest first, as given) replaced by ``***``."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "***")
    return text


def redact_data(value: Any, secrets: Sequence[str]) -> Any:
    """JSON-like data with every string in it redacted (keys included)."""
    if not secrets:
        return value
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, dict):
        return {redact_data(k, secrets): redact_data(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_data(v, secrets) for v in value]
    return value
