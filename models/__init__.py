"""The model gateway: hosted models through litellm, the local MoE host,
interventions, and scripted test doubles.

    from ethos.models import acomplete
    answer = await acomplete("openai/gpt-4o", "Cooperate or defect?", choices=["C", "D"])

Names load lazily: importing ethos.models does not import litellm or torch.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_LAZY = {
    "acomplete": "ethos.models.gateway",
    "complete": "ethos.models.gateway",
    "Completion": "ethos.models.types",
    "Usage": "ethos.models.types",
    "ToolCall": "ethos.models.types",
    "ModelArgs": "ethos.models.args",
    "ExpertMask": "ethos.models.interventions",
    "Steer": "ethos.models.interventions",
    "register_script": "ethos.models.script",
    "replies": "ethos.models.script",
    "function": "ethos.models.script",
    "policy": "ethos.models.script",
    "Script": "ethos.models.script",
}

if TYPE_CHECKING:
    from ethos.models.args import ModelArgs
    from ethos.models.gateway import acomplete, complete
    from ethos.models.interventions import ExpertMask, Steer
    from ethos.models.script import Script, function, policy, register_script, replies
    from ethos.models.types import Completion, ToolCall, Usage

__all__ = [
    "Completion",
    "ExpertMask",
    "ModelArgs",
    "Script",
    "Steer",
    "ToolCall",
    "Usage",
    "acomplete",
    "complete",
    "function",
    "policy",
    "register_script",
    "replies",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ethos.models' has no attribute {name!r}")
