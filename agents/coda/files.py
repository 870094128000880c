"""The files-and-settings application: a home directory in the bubblewrap sandbox.

It stands in for the desktop applications of CODA's tasks where the planner
knows what should happen ("move the report into the archive") and only a
precise command does it. Its commands, each run as a real shell command in
the episode's sandbox (:mod:`ethos.sandbox`: no network, only the episode
directory writable), with paths relative to the home directory:

    mkdir PATH
    write PATH := TEXT            (one line; the file's whole content)
    move SRC DST                  copy SRC DST          delete PATH
    set FILE KEY=VALUE            (a ``key = value`` settings file: the key's line
                                   is replaced, or added when missing)

Paths are letters, digits, ``_ . -`` and ``/``, never ``..`` nor absolute;
the shell command is built with quoting, so an action cannot become another
command. The final state is judged from the episode directory on the host
(:func:`ethos.sandbox.read_episode_text`, which never follows a link).
"""

from __future__ import annotations

import contextlib
import os
import shlex
from typing import Any

from ethos.agents.coda.environment import (
    ANSWER,
    Action,
    ActionSpace,
    ActionSpec,
    CodaError,
    EnvTask,
    StepResult,
)

PATH = r"[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)*"
HOME = "home/agent"
COMMAND_TIMEOUT_S = 10.0
MAX_SHOWN_BYTES = 200

SPECS = [
    ActionSpec("mkdir", "mkdir PATH", "mkdir notes/old", rf"mkdir\s+(?P<path>{PATH})",
               "create a directory (and its parents)"),
    ActionSpec("write", "write PATH := TEXT", "write todo.txt := buy milk",
               rf"write\s+(?P<path>{PATH})\s*:=\s*(?P<text>.+)", "set a file's whole content"),
    ActionSpec("move", "move SRC DST", "move a.txt archive/a.txt",
               rf"move\s+(?P<src>{PATH})\s+(?P<dst>{PATH})", "move or rename"),
    ActionSpec("copy", "copy SRC DST", "copy a.txt b.txt",
               rf"copy\s+(?P<src>{PATH})\s+(?P<dst>{PATH})", "copy a file or directory"),
    ActionSpec("delete", "delete PATH", "delete tmp/old.log", rf"delete\s+(?P<path>{PATH})",
               "remove a file or directory"),
    ActionSpec("set", "set FILE KEY=VALUE", "set app.conf theme=dark",
               rf"set\s+(?P<file>{PATH})\s+(?P<key>[A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(?P<value>\S+)",
               "set one key of a key = value settings file"),
    ActionSpec(ANSWER, "answer TEXT", "answer 3", r"answer\s+(?P<text>.+)",
               "the planner's final answer (never the executor's)"),
]  # fmt: skip


def render(type: str, **a: str) -> str:
    if type in ("mkdir", "delete"):
        return f"{type} {a['path']}"
    if type == "write":
        return f"write {a['path']} := {a['text']}"
    if type in ("move", "copy"):
        return f"{type} {a['src']} {a['dst']}"
    if type == "set":
        return f"set {a['file']} {a['key']}={a['value']}"
    if type == ANSWER:
        return f"answer {a['text']}"
    raise CodaError(f"no action type {type!r} in the files application")


SPACE = ActionSpace("files", SPECS, render)

_SET = (
    'awk -v k={key} -v v={value} \'BEGIN{{FS="[ \\t]*=[ \\t]*"}} '
    '$1==k{{print k " = " v; f=1; next}} {{print}} END{{if(!f) print k " = " v}}\' {file} '
    "> {file}.ethos-tmp && mv -- {file}.ethos-tmp {file}"
)


def shell_command(action: Action) -> str:
    """The shell command an action runs (every argument quoted)."""
    a = {k: shlex.quote(v) for k, v in action.args.items()}
    for key in ("path", "src", "dst", "file"):
        if key in action.args and ".." in action.args[key].split("/"):
            raise ValueError(f"{action.args[key]!r}: paths may not use '..'")
    if action.type == "mkdir":
        return f"mkdir -p -- {a['path']}"
    if action.type == "write":
        return f"printf '%s\\n' {a['text']} > {a['path']}"
    if action.type == "move":
        return f"mv -- {a['src']} {a['dst']}"
    if action.type == "copy":
        return f"cp -r -- {a['src']} {a['dst']}"
    if action.type == "delete":
        return f"rm -r -- {a['path']}"
    if action.type == "set":
        missing = shlex.quote(f"no settings file {action.args['file']}")
        return f"if [ -f {a['file']} ]; then {_SET.format(**a)}; else echo {missing} >&2; false; fi"
    raise ValueError(f"no action type {action.type!r}")


def read_settings(text: str) -> dict[str, str]:
    """``key = value`` lines (``#`` comments and blank lines skipped)."""
    out = {}
    for line in text.splitlines():
        if line.strip().startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        out[key.strip()] = value.strip()
    return out


class FilesEnvironment:
    """One episode of the files application: a fresh sandbox per ``reset``."""

    app = "files"
    action_space = SPACE

    def __init__(self) -> None:
        self.task: EnvTask | None = None
        self.answer: str | None = None
        self.last = ""
        self._stack: contextlib.AsyncExitStack | None = None
        self._sandbox: Any = None
        self._done = False

    async def reset(self, task: EnvTask) -> str:
        from ethos.sandbox import EpisodeSpec, open_episode

        if task.app != self.app:
            raise CodaError(f"task {task.id!r} is for {task.app}, not files")
        await self.close()
        self.task = task
        self.answer = None
        self._done = False
        files = {f"{HOME}/{p}": text for p, text in task.setup.get("files", {}).items()}
        dirs = tuple(f"{HOME}/{d}" for d in task.setup.get("dirs", []))
        self._stack = contextlib.AsyncExitStack()
        self._sandbox = await self._stack.enter_async_context(
            open_episode(EpisodeSpec(files=files, dirs=dirs))
        )
        self.last = "A fresh home directory."
        return await self.observe()

    def _home(self) -> str:
        if self._sandbox is None:
            raise CodaError("the files application was used before reset")
        return os.path.join(self._sandbox.root, HOME)

    def _text(self, path: str) -> str | None:
        from ethos.sandbox import read_episode_text

        return read_episode_text(self._sandbox.root, f"{HOME}/{path}")

    async def observe(self) -> str:
        return self._listing()

    def _listing(self) -> str:
        home = self._home()
        lines = []
        for top, dirs, names in os.walk(home):  # os.walk never follows links by default
            dirs.sort()
            rel = os.path.relpath(top, home)
            for d in dirs:
                lines.append(f"{os.path.normpath(os.path.join(rel, d))}/")
            for name in sorted(names):
                path = os.path.normpath(os.path.join(rel, name))
                text = self._text(path)
                shown = "" if text is None else text.strip()[:MAX_SHOWN_BYTES].replace("\n", " | ")
                lines.append(f"{path}: {shown}")
        listing = "\n".join(sorted(lines)) or "(empty)"
        return f"Files (path: content):\n{listing}\nLast: {self.last}"

    async def step(self, action: Action) -> StepResult:
        if self.task is None or self._sandbox is None:
            raise CodaError("the files application was stepped before reset")
        if self._done:
            return StepResult(observation=await self.observe(), done=True, error="episode is over")
        error = None
        if action.type == ANSWER:
            self.answer = action.args["text"].strip()
            self.last = f"answered {self.answer}"
        else:
            try:
                command = shell_command(action)
            except ValueError as exc:
                error = str(exc)
            else:
                result = await self._sandbox.run(command, timeout_s=COMMAND_TIMEOUT_S)
                if result.exit_code != 0:
                    said = (result.stderr or result.stdout).strip().splitlines()
                    error = said[-1] if said else f"exit code {result.exit_code}"
            self.last = f"error: {error}" if error else f"done: {action.text}"
        finished = await self.success()
        reward = 1.0 if finished else 0.0
        self._done = finished or action.type == ANSWER
        return StepResult(
            observation=await self.observe(), reward=reward, done=self._done, error=error
        )

    async def success(self) -> bool:
        assert self.task is not None
        return all(self._check(c) for c in self.task.checks)

    def _check(self, check: dict[str, Any]) -> bool:
        if "answer" in check:
            return self.answer is not None and self.answer.strip() == str(check["answer"])
        if "absent" in check:
            return not os.path.lexists(os.path.join(self._home(), check["absent"]))
        if "dir" in check:
            path = os.path.join(self._home(), check["dir"])
            return os.path.isdir(path) and not os.path.islink(path)
        if "setting" in check:
            text = self._text(check["setting"])
            return text is not None and read_settings(text).get(check["key"]) == check["value"]
        text = self._text(check["file"])
        if text is None:
            return False
        if "equals" in check:
            return text.rstrip("\n") == check["equals"]
        if "contains" in check:
            return check["contains"] in text
        return True

    async def close(self) -> None:
        if self._stack is not None:
            stack, self._stack, self._sandbox = self._stack, None, None
            await stack.aclose()
