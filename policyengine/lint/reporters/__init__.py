"""Output formats: ``text`` (default), ``json`` and ``sarif``.

Each reporter is ``render(result, **options) -> str``.
"""

from __future__ import annotations

FORMATS = ("text", "json", "sarif")


def render(result, format: str = "text", **options) -> str:
    if format == "text":
        from .text import render as text
        return text(result, **options)
    if format == "json":
        from .json import render as as_json
        return as_json(result)
    if format == "sarif":
        from .sarif import render as sarif
        return sarif(result, **options)
    raise ValueError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
