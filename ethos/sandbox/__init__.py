"""A real Linux sandbox for commands a model writes (bubblewrap), behind a
protocol (:mod:`ethos.sandbox.protocol`) so that suites do not depend on the backend."""

from ethos.sandbox.protocol import CommandResult, FileChange, Sandbox

__all__ = ["CommandResult", "FileChange", "Sandbox"]
