"""ethos: multi-agent LLM systems and the measurement of how agents behave.

``import ethos`` stays light: names below load their modules on first use,
so the command line answers ``--help`` without importing SQLAlchemy, torch
or litellm.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "Store": "ethos.db.store",
    "open_store": "ethos.db.store",
    "Run": "ethos.db.store",
    "Event": "ethos.db.store",
    "Settings": "ethos.settings",
    "load_settings": "ethos.settings",
    "EthosError": "ethos.errors",
}

if TYPE_CHECKING:
    from ethos.db.store import Event, Run, Store, open_store
    from ethos.errors import EthosError
    from ethos.settings import Settings, load_settings

__all__ = [
    "EthosError",
    "Event",
    "Run",
    "Settings",
    "Store",
    "__version__",
    "load_settings",
    "open_store",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ethos' has no attribute {name!r}")
