"""Text into HTML: escaped, and clipped so that a page stays bounded."""

from __future__ import annotations

import html
import json
from typing import Any

CLIP_CHARS = 4000


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def clip(value: Any, limit: int = CLIP_CHARS) -> str:
    """``value`` (a string, or anything as indented JSON) escaped, at most
    ``limit`` characters of it, saying how many were left out."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)
    if len(text) <= limit:
        return esc(text)
    return esc(text[:limit]) + f"\n… ({len(text) - limit:,} more characters)"
