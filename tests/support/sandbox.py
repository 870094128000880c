"""The bubblewrap sandbox in tests: one report-header line saying whether
sandbox tests run here, and the skip they use where ``bwrap`` is missing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def unavailable_reason() -> str | None:
    """Why sandbox tests cannot run here, or None."""
    from ethos.sandbox import sandbox_unavailable_reason

    return sandbox_unavailable_reason()


def pytest_report_header(config: pytest.Config) -> str:
    reason = unavailable_reason()
    if reason:
        return f"sandbox: cases SKIPPED: {reason}"
    return f"sandbox: bwrap at {shutil.which('bwrap')}"


def skip_without_bwrap() -> None:
    """Skip the calling test, with the reason, where no sandbox can start."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)


def host_processes(cmdline: bytes) -> list[int]:
    """The host's processes whose command line (NUL-separated, as in
    /proc/PID/cmdline) is exactly ``cmdline``: what a sandbox left running."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if Path(f"/proc/{name}/cmdline").read_bytes() == cmdline:
                    found.append(int(name))
            except OSError:  # the process ended while we looked
                pass
    return found
