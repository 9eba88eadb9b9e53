"""Where the files shipped with the package live (grammars, data)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def grammar_path(name: str) -> Path:
    """Path of a lark grammar: inside the wheel, or ``grammars/`` of a source checkout."""
    for folder in (_PACKAGE / "grammars", _PACKAGE.parent / "grammars"):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"grammar {name!r} is not installed with policyengine")


def data_path(*parts: str) -> Path:
    """Path of a data file shipped inside the package."""
    return _PACKAGE.joinpath(*parts)
