"""The algebra application: a small computer-algebra workspace on sympy.

It stands in for the KAlgebra application of CODA's ScienceBoard tasks: the
planner can say what to do ("take the derivative of f"), but only an action
in the application's exact syntax does anything. The workspace holds named
expressions; every command reads names and writes one:

    define f := x**2 - 5*x + 6
    simplify f                       (in place; also expand f, factor f)
    differentiate f wrt x as df
    solve f for x as roots           (the roots of f = 0, a list)
    evaluate df at x=2 as v          (several: at x=1, y=2)

Expressions are parsed by sympy after a whitelist check (names, numbers,
operators, brackets and a few functions: no attribute access, no strings,
no double underscores), with no builtins in reach, so a model-written
expression cannot run code.
"""

from __future__ import annotations

import re
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

NAME = r"[A-Za-z][A-Za-z0-9_]*"
FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "Abs")
CONSTANTS = ("pi", "E", "I")
RESERVED = frozenset(
    {*FUNCTIONS, *CONSTANTS, "define", "simplify", "expand", "factor", "differentiate"}
    | {"solve", "evaluate", "answer", "wrt", "for", "as", "at", "lambda", "oo"}
)
_SAFE_EXPR = re.compile(r"[A-Za-z0-9_+\-*/^().,\s]+")
_ATTRIBUTE = re.compile(r"\.\s*[A-Za-z_]")  # x.func: attribute access, never a number
_MAX_EXPR_CHARS = 300

SPECS = [
    ActionSpec(
        "define",
        "define NAME := EXPR",
        "define f := x**2 - 1",
        rf"define\s+(?P<name>{NAME})\s*:=\s*(?P<expr>.+)",
        "bind NAME to an expression",
    ),
    ActionSpec(
        "simplify",
        "simplify NAME",
        "simplify f",
        rf"simplify\s+(?P<name>{NAME})",
        "replace NAME by its simplest form",
    ),
    ActionSpec(
        "expand",
        "expand NAME",
        "expand f",
        rf"expand\s+(?P<name>{NAME})",
        "multiply NAME out",
    ),
    ActionSpec(
        "factor",
        "factor NAME",
        "factor f",
        rf"factor\s+(?P<name>{NAME})",
        "write NAME as a product of factors",
    ),
    ActionSpec(
        "differentiate",
        "differentiate NAME wrt VAR as NEW",
        "differentiate f wrt x as df",
        rf"differentiate\s+(?P<name>{NAME})\s+wrt\s+(?P<var>{NAME})\s+as\s+(?P<new>{NAME})",
        "store the derivative of NAME by VAR as NEW",
    ),
    ActionSpec(
        "solve",
        "solve NAME for VAR as NEW",
        "solve f for x as roots",
        rf"solve\s+(?P<name>{NAME})\s+for\s+(?P<var>{NAME})\s+as\s+(?P<new>{NAME})",
        "store the solutions of NAME = 0 for VAR as the list NEW",
    ),
    ActionSpec(
        "evaluate",
        "evaluate NAME at VAR=VALUE[, VAR=VALUE...] as NEW",
        "evaluate f at x=2 as v",
        rf"evaluate\s+(?P<name>{NAME})\s+at\s+"
        rf"(?P<at>{NAME}\s*=\s*[^,]+?(?:\s*,\s*{NAME}\s*=\s*[^,]+?)*)\s+as\s+(?P<new>{NAME})",
        "store NAME with the values put in as NEW",
    ),
    ActionSpec(
        ANSWER,
        "answer TEXT",
        "answer 3",
        r"answer\s+(?P<text>.+)",
        "the planner's final answer (never the executor's)",
    ),
]


def render(type: str, **args: str) -> str:
    """The canonical command line of an action."""
    if type == "define":
        return f"define {args['name']} := {args['expr']}"
    if type in ("simplify", "expand", "factor"):
        return f"{type} {args['name']}"
    if type == "differentiate":
        return f"differentiate {args['name']} wrt {args['var']} as {args['new']}"
    if type == "solve":
        return f"solve {args['name']} for {args['var']} as {args['new']}"
    if type == "evaluate":
        at = ", ".join(p.strip().replace(" ", "") for p in args["at"].split(","))
        return f"evaluate {args['name']} at {at} as {args['new']}"
    if type == ANSWER:
        return f"answer {args['text']}"
    raise CodaError(f"no action type {type!r} in the algebra application")


SPACE = ActionSpace("algebra", SPECS, render)


class ExpressionError(ValueError):
    """An expression the workspace will not parse."""


def parse_expression(text: str, names: dict[str, Any]) -> Any:
    """``text`` as a sympy expression, where workspace ``names`` stand for
    their values; refuses anything outside the whitelist."""
    import sympy
    from sympy.parsing.sympy_parser import (
        convert_xor,
        implicit_multiplication,
        parse_expr,
        standard_transformations,
    )

    text = text.strip()
    if not text or len(text) > _MAX_EXPR_CHARS:
        raise ExpressionError(f"an expression of 1 to {_MAX_EXPR_CHARS} characters, not {text!r}")
    if not _SAFE_EXPR.fullmatch(text) or "__" in text or _ATTRIBUTE.search(text):
        raise ExpressionError(
            f"{text!r} holds characters an expression cannot (use names, numbers, + - * / ** ^ "
            "and brackets)"
        )
    glob: dict[str, Any] = {"__builtins__": {}}
    for attr in ("Symbol", "Integer", "Float", "Rational", "Function"):
        glob[attr] = getattr(sympy, attr)
    for fn in (*FUNCTIONS, *CONSTANTS):
        glob[fn] = getattr(sympy, fn)
    local = {k: v for k, v in names.items() if not isinstance(v, list)}
    listed = [k for k, v in names.items() if isinstance(v, list)]
    for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
        if word in listed:
            raise ExpressionError(f"{word} is a list of solutions, not an expression")
    try:
        value = parse_expr(
            text,
            local_dict=local,
            global_dict=glob,
            transformations=(*standard_transformations, convert_xor, implicit_multiplication),
        )
    except Exception as exc:  # sympy raises many kinds for a malformed expression
        raise ExpressionError(f"{text!r} is not an expression ({type(exc).__name__})") from None
    if not isinstance(value, sympy.Basic):
        raise ExpressionError(f"{text!r} is not an expression")
    return value


class AlgebraEnvironment:
    """One algebra workspace. Steps are pure Python (sympy); ``reset``
    clears the workspace and defines the task's ``setup`` names."""

    app = "algebra"
    action_space = SPACE

    def __init__(self) -> None:
        self.task: EnvTask | None = None
        self.names: dict[str, Any] = {}
        self.answer: str | None = None
        self.last = ""
        self._done = False

    async def reset(self, task: EnvTask) -> str:
        if task.app != self.app:
            raise CodaError(f"task {task.id!r} is for {task.app}, not algebra")
        self.task = task
        self.names = {}
        self.answer = None
        self._done = False
        for name, expr in task.setup.get("define", {}).items():
            self.names[name] = parse_expression(expr, self.names)
        self.last = "A new workspace."
        return await self.observe()

    async def observe(self) -> str:
        lines = [f"{k} := {_show(v)}" for k, v in self.names.items()]
        workspace = "\n".join(lines) if lines else "(empty)"
        return f"Workspace:\n{workspace}\nLast: {self.last}"

    async def step(self, action: Action) -> StepResult:
        if self.task is None:
            raise CodaError("the algebra workspace was stepped before reset")
        if self._done:
            return StepResult(observation=await self.observe(), done=True, error="episode is over")
        try:
            self.last = self._apply(action)
            error = None
        except (ExpressionError, KeyError, ValueError, NotImplementedError) as exc:
            error = str(exc) if not isinstance(exc, KeyError) else str(exc.args[0])
            self.last = f"error: {error}"
        finished = await self.success()
        reward = 1.0 if finished and not self._done else 0.0
        self._done = finished or action.type == ANSWER
        return StepResult(
            observation=await self.observe(), reward=reward, done=self._done, error=error
        )

    def _get(self, name: str) -> Any:
        if name not in self.names:
            known = ", ".join(self.names) or "none yet"
            raise KeyError(f"no name {name!r} in the workspace (defined: {known})")
        return self.names[name]

    def _expr(self, name: str) -> Any:
        value = self._get(name)
        if isinstance(value, list):
            raise ValueError(f"{name} is a list of solutions, not an expression")
        return value

    def _new_name(self, name: str) -> str:
        if name in RESERVED:
            raise ValueError(f"{name!r} is a reserved word; pick another name")
        return name

    def _apply(self, action: Action) -> str:
        import sympy

        a = action.args
        kind = action.type
        if kind == "define":
            name = self._new_name(a["name"])
            self.names[name] = parse_expression(a["expr"], self.names)
            return f"defined {name}"
        if kind in ("simplify", "expand", "factor"):
            fn = {"simplify": sympy.simplify, "expand": sympy.expand, "factor": sympy.factor}[kind]
            self.names[a["name"]] = fn(self._expr(a["name"]))
            return f"{kind} {a['name']}: {_show(self.names[a['name']])}"
        if kind == "differentiate":
            expr = self._expr(a["name"])
            self.names[self._new_name(a["new"])] = sympy.diff(expr, sympy.Symbol(a["var"]))
            return f"{a['new']} is the derivative of {a['name']}"
        if kind == "solve":
            expr = self._expr(a["name"])
            found = sympy.solve(sympy.Eq(expr, 0), sympy.Symbol(a["var"]))
            self.names[self._new_name(a["new"])] = sorted(found, key=sympy.default_sort_key)
            return f"{a['new']} holds {len(found)} solution(s)"
        if kind == "evaluate":
            expr = self._expr(a["name"])
            subs = {}
            for pair in a["at"].split(","):
                var, _, value = pair.partition("=")
                subs[sympy.Symbol(var.strip())] = parse_expression(value, self.names)
            self.names[self._new_name(a["new"])] = sympy.simplify(expr.subs(subs))
            return f"{a['new']} := {_show(self.names[a['new']])}"
        if kind == ANSWER:
            self.answer = a["text"].strip()
            return f"answered {self.answer}"
        raise ValueError(f"no action type {kind!r}")

    async def success(self) -> bool:
        assert self.task is not None
        return all(self._check(c) for c in self.task.checks)

    def _check(self, check: dict[str, Any]) -> bool:
        import sympy

        try:
            if "answer" in check:
                if self.answer is None:
                    return False
                given = parse_expression(self.answer.rstrip("."), {})
                return bool(sympy.simplify(given - sympy.sympify(check["answer"])) == 0)
            value = self.names.get(check["name"])
            if value is None:
                return False
            if "solutions" in check:
                if not isinstance(value, list):
                    return False
                want = {sympy.sympify(s) for s in check["solutions"]}
                return len(value) == len(want) and all(
                    any(sympy.simplify(v - w) == 0 for w in want) for v in value
                )
            if isinstance(value, list):
                return False
            if "is" in check:  # the same expression, in the same form
                return bool(value == parse_expression(check["is"], {}))
            return bool(sympy.simplify(value - parse_expression(check["equals"], {})) == 0)
        except ExpressionError:
            return False

    async def close(self) -> None:
        self.names = {}


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)
