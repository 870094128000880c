"""Scripted CODA roles: rules, not language models (test doubles).

``script/coda-rules`` answers both roles, told apart by the system prompt:

- as the **planner** it is an oracle: it reads the task id and the count of
  completed actions from its prompt and describes the task's next reference
  action in words, quoting the command in backticks (or answers ``ANS``);
- as the **executor** it grounds an instruction: a backticked command is
  taken as written; otherwise keywords pick the action type and the names,
  variables and values mentioned fill its arguments. This is the frozen
  executor the GRPO tests train a real planner against.

Everything it says is marked scripted by the gateway, like any ``script/``
model's, and reports label runs that used it.
"""

from __future__ import annotations

import re

from ethos.agents.coda.environment import ANSWER, UnknownTaskError, get_task
from ethos.models.script import Script, ScriptRequest, register_script

MODEL = "script/coda-rules"

_VERBS = [
    ("differentiate", ("derivative", "differentiate", "derive")),
    ("solve", ("solve", "root", "solution", "zero")),
    ("evaluate", ("evaluate", "value", "plug", "substitut")),
    ("simplify", ("simplif",)),
    ("expand", ("expand", "multiply out")),
    ("factor", ("factor",)),
    ("define", ("define", "let ", "set ", "create")),
    # files application
    ("mkdir", ("directory", "folder", "mkdir")),
    ("move", ("move", "rename")),
    ("copy", ("copy", "duplicate")),
    ("delete", ("delete", "remove")),
    ("set", ("setting", "option", "configure")),
    ("write", ("write", "create file", "put the text")),
]


def respond(request: ScriptRequest) -> str:
    system = str(request.messages[0].get("content", "")) if request.messages else ""
    user = str(request.messages[1].get("content", "")) if len(request.messages) > 1 else ""
    if system.startswith("You plan"):
        return plan(user)
    if system.startswith("You operate"):
        return ground(user, system)
    return "I am a scripted CODA role and do not know this request."


def plan(user: str) -> str:
    """The oracle planner: the next reference action, described."""
    found = re.search(r"^Task (\w+)/(\S+):", user, re.M)
    done = re.search(r"^Completed actions: (\d+)", user, re.M)
    if not found or not done:
        return "Thought: I cannot tell which task this is."
    try:
        task = get_task(found.group(1), found.group(2))
    except UnknownTaskError:
        return "Thought: I do not know this task."
    k = int(done.group(1))
    if k >= len(task.reference):
        return "ANS done"
    command = task.reference[k]
    if command.startswith(f"{ANSWER} "):
        return f"ANS {command[len(ANSWER) + 1 :]}"
    verb = command.split()[0]
    return f"Thought: next, {verb} as the task asks: `{command}`"


def ground(user: str, system: str) -> str:
    """The rule executor: a quoted command, or one built from keywords."""
    instruction = _line(user, "Instruction")
    quoted = re.search(r"`([^`]+)`", instruction)
    if quoted:
        return quoted.group(1).strip()
    text = instruction.lower()
    verb = next((v for v, words in _VERBS if any(w in text for w in words)), None)
    if "application" in system and "algebra" in system.splitlines()[0]:
        return _algebra(verb, instruction, user)
    return _files(verb, instruction)


def _line(text: str, name: str) -> str:
    found = re.search(rf"^{name}: (.*)$", text, re.M)
    return found.group(1).strip() if found else ""


def _algebra(verb: str | None, instruction: str, user: str) -> str:
    names = re.findall(r"^(\w+) := ", user, re.M)
    words = re.findall(r"[A-Za-z][A-Za-z0-9_]*", instruction)
    mentioned = [w for w in words if w in names]
    name = mentioned[0] if mentioned else (names[-1] if names else "f")
    new = re.search(r"\b(?:as|call it|named|store it in)\s+([A-Za-z]\w*)", instruction)
    var_found = re.search(r"(?:respect to|wrt|for)\s+([a-z]\w*)", instruction)
    var = var_found.group(1) if var_found else "x"
    if verb == "define" or (verb is None and ":=" in instruction):
        expr = re.search(r"(\w+)\s*(?::=|\bas\b|=)\s*([^`]+)$", instruction)
        if expr:
            return f"define {expr.group(1)} := {expr.group(2).strip().rstrip('.')}"
        return "define f := x"
    if verb in ("simplify", "expand", "factor"):
        return f"{verb} {name}"
    if verb == "differentiate":
        return f"differentiate {name} wrt {var} as {new.group(1) if new else 'd' + name}"
    if verb == "solve":
        return f"solve {name} for {var} as {new.group(1) if new else 'roots'}"
    if verb == "evaluate":
        pairs = re.findall(r"\b([a-z]\w*)\s*=\s*(-?[\d./]+)", instruction)
        at = ", ".join(f"{k}={v}" for k, v in pairs) or "x=0"
        return f"evaluate {name} at {at} as {new.group(1) if new else 'v'}"
    return instruction or "nothing"


def _files(verb: str | None, instruction: str) -> str:
    paths = re.findall(r"[\w.\-]+(?:/[\w.\-]+)+|[\w\-]+\.\w+", instruction)
    if verb == "mkdir" and paths:
        return f"mkdir {paths[0]}"
    if verb in ("move", "copy") and len(paths) >= 2:
        return f"{verb} {paths[0]} {paths[1]}"
    if verb == "delete" and paths:
        return f"delete {paths[0]}"
    setting = re.search(r"([\w.\-/]+)\s*:\s*([\w.\-]+)\s*=\s*(\S+)", instruction)
    if verb == "set" and setting:
        return f"set {setting.group(1)} {setting.group(2)}={setting.group(3)}"
    return instruction or "nothing"


def register() -> str:
    """Register ``script/coda-rules`` and return the model string."""
    return register_script(MODEL.split("/", 1)[1], Script(respond, description="CODA rules"))
