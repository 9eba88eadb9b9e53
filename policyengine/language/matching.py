"""Wildcard matching for actions, resources and ``*Like`` condition values.

Every pattern compiles once into a plain function ``str -> bool``. None of them uses a
backtracking regular expression over the whole pattern: a pattern is split at its ``*`` and the
pieces are found left to right, which is exact for ``*``-only globs and takes time linear in
the text for each piece, so ``*a*a*a*a*a*b`` against a long string stays fast. Characters such
as ``.``, ``+`` or ``[`` are always literal.

A pattern is given either as a string (``*`` and ``?`` are wildcards) or as a sequence of runs
``(text, literal)`` where ``literal=True`` marks text that came from a policy variable or an
escape (``${*}``) and therefore never acts as a wildcard.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable, Sequence

Matcher = Callable[[str], bool]
Runs = Sequence[tuple[str, bool]]

_STAR = object()  # token for '*'


_WILDCARDS = re.compile(r"([*?])")


def _tokens(pattern: str | Runs) -> list:
    """Split a pattern into literal strings, '?' markers and _STAR markers."""
    runs = [(pattern, False)] if isinstance(pattern, str) else pattern
    out: list = []
    for text, literal in runs:
        if literal:
            out.append(text)
            continue
        for part in _WILDCARDS.split(text):  # text, then each wildcard between texts
            if part == "*":
                out.append(_STAR)
            elif part == "?":
                out.append(None)  # None marks '?'
            elif part:
                out.append(part)
    return out


def _pieces(tokens: list, fold: bool) -> list[list]:
    """Group tokens into the pieces between stars; each piece is a list of str / None ('?')."""
    pieces: list[list] = [[]]
    for tok in tokens:
        if tok is _STAR:
            pieces.append([])
        elif tok is None:
            pieces[-1].append(None)
        else:
            text = tok.lower() if fold else tok
            if pieces[-1] and isinstance(pieces[-1][-1], str):
                pieces[-1][-1] += text
            else:
                pieces[-1].append(text)
    return pieces


def _piece_regex(piece: list) -> "re.Pattern[str]":
    # Pieces are fixed-length (text and single '?'), so this regex cannot backtrack badly.
    return re.compile("".join("." if part is None else re.escape(part) for part in piece), re.S)


def _piece_finder(piece: list) -> Callable[[str, int], int]:
    """find(text, start) -> end of the leftmost occurrence at or after start, or -1."""
    if all(isinstance(part, str) for part in piece):
        literal = "".join(piece)
        size = len(literal)

        def find_literal(text: str, start: int) -> int:
            at = text.find(literal, start)
            return -1 if at < 0 else at + size

        return find_literal
    regex = _piece_regex(piece)

    def find_regex(text: str, start: int) -> int:
        found = regex.search(text, start)
        return -1 if found is None else found.end()

    return find_regex


def _piece_matcher_at(piece: list) -> Callable[[str, int], int]:
    """match(text, at) -> end index if the piece matches exactly at ``at``, else -1."""
    regex = _piece_regex(piece)

    def match_at(text: str, at: int) -> int:
        found = regex.match(text, at)
        return -1 if found is None else found.end()

    return match_at


def _glob(tokens: list, fold: bool) -> Matcher:
    """Compile tokens into a matcher.

    Finding each piece between stars at its leftmost place is exact for globs: a later place
    can never let more of the pattern match than an earlier one.
    """
    if not tokens:
        return lambda text: text == ""
    has_star = any(tok is _STAR for tok in tokens)
    has_one = any(tok is None for tok in tokens)
    if not has_star and not has_one:
        literal = "".join(tokens)
        if fold:
            literal = literal.lower()
            return lambda text: text.lower() == literal
        return lambda text: text == literal
    pieces = _pieces(tokens, fold)
    if len(pieces) == 2 and not pieces[1] and not has_one:
        prefix = pieces[0][0] if pieces[0] else ""  # the common "prefix*" form
        if fold:
            return lambda text: text.lower().startswith(prefix)
        return lambda text: text.startswith(prefix)
    if not has_star:
        exact = _piece_matcher_at(pieces[0])
        return lambda text: exact(text.lower() if fold else text, 0) == len(text)
    head, middle, tail = pieces[0], pieces[1:-1], pieces[-1]
    head_at = _piece_matcher_at(head) if head else None
    finders = [_piece_finder(piece) for piece in middle if piece]
    tail_len = sum(1 if part is None else len(part) for part in tail)
    tail_at = _piece_matcher_at(tail) if tail else None

    def match(text: str) -> bool:
        if fold:
            text = text.lower()
        pos = 0
        if head_at is not None:
            pos = head_at(text, 0)
            if pos < 0:
                return False
        tail_start = len(text) - tail_len
        if tail_start < pos:
            return False
        for find in finders:
            pos = find(text, pos)
            if pos < 0 or pos > tail_start:
                return False
        return tail_at is None or tail_at(text, tail_start) == len(text)

    return match


@lru_cache(maxsize=4096)
def compile_glob(pattern: str, ignore_case: bool = False) -> Matcher:
    """``*`` matches any run of characters (empty included), ``?`` exactly one."""
    if pattern == "*":
        return _always
    return _glob(_tokens(pattern), ignore_case)


def compile_glob_runs(runs: Runs, ignore_case: bool = False) -> Matcher:
    """Like :func:`compile_glob` for a pattern whose literal runs never act as wildcards."""
    return _glob(_tokens(runs), ignore_case)


def _always(text: str) -> bool:
    return True


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


# -- actions ---------------------------------------------------------------------------------


def compile_action(pattern: str) -> Matcher:
    """Action patterns: ``service:Name`` compared without regard to case, with ``*`` and ``?``."""
    return compile_glob(pattern, ignore_case=True)


@lru_cache(maxsize=1024)
def compile_actions(patterns: tuple[str, ...]) -> Matcher:
    """Does any of the patterns (a statement's ``Action`` list) match? The same answer as
    :func:`compile_action` on each, in a few C calls: names by a set lookup, ``prefix*``
    patterns by one ``startswith``, the rest one by one. (Lists repeat between statements and
    policies, hence the cache.)"""
    if "*" in patterns:
        return _always
    names, prefixes, others = set(), [], []
    for pattern in patterns:
        if not has_wildcard(pattern):
            names.add(pattern.lower())
        elif pattern.endswith("*") and not has_wildcard(pattern[:-1]):
            prefixes.append(pattern[:-1].lower())
        else:
            others.append(compile_action(pattern))
    names, prefixes, others = frozenset(names), tuple(prefixes), tuple(others)

    def match(text: str) -> bool:
        lowered = text.lower()
        return (lowered in names or lowered.startswith(prefixes)
                or any(matcher(text) for matcher in others))

    return match


# -- resources -------------------------------------------------------------------------------


def compile_resource(pattern: str | Runs) -> Matcher:
    """Resource ARN patterns (case-sensitive).

    Wildcards stay inside one colon-separated segment of the ARN, except a ``*`` that ends a
    segment: it may go on across colons (IAM User Guide, "Using wildcards in resource ARNs").
    """
    tokens = _tokens(pattern)
    if tokens == [_STAR]:
        return _always
    if not any(tok is _STAR or tok is None for tok in tokens):
        literal = "".join(tokens)
        return lambda text: text == literal
    # Split into colon segments of the pattern (colons only ever come from literal text).
    segments: list[list] = [[]]
    for tok in tokens:
        if isinstance(tok, str) and ":" in tok:
            chunks = tok.split(":")
            if chunks[0]:
                segments[-1].append(chunks[0])
            for chunk in chunks[1:]:
                segments.append([chunk] if chunk else [])
        else:
            segments[-1].append(tok)
    compiled = []
    for segment in segments:
        spills = bool(segment) and segment[-1] is _STAR  # a trailing star may cross colons
        body = segment[:-1] + [_STAR] if spills else segment
        compiled.append((_glob(body, False) if body else (lambda text: text == ""), spills))
    return _segment_matcher(compiled)


def _segment_matcher(compiled: list[tuple[Matcher, bool]]) -> Matcher:
    count = len(compiled)

    def match(text: str) -> bool:
        parts = text.split(":")
        total = len(parts)
        # reachable[j]: pattern segments so far can consume exactly the first j text segments.
        reachable = {0}
        for index, (seg_match, spills) in enumerate(compiled):
            nxt: set[int] = set()
            last = index == count - 1
            for j in reachable:
                if j >= total:
                    continue
                if not seg_match(parts[j]):
                    continue
                if spills:
                    # the star may also eat the following segments, colons included
                    if last:
                        return True
                    nxt.update(range(j + 1, total + 1))
                else:
                    nxt.add(j + 1)
            if not nxt:
                return False
            reachable = nxt
        return total in reachable

    return match


# -- ARN condition operators -----------------------------------------------------------------


def split_arn(value: str) -> list[str] | None:
    """The six components of an ARN (the last keeps its colons), or None if it is not one."""
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts


def compile_arn_like(pattern: str | Runs) -> Callable[[str], bool]:
    """ArnEquals / ArnLike: each of the six components matched on its own (case-sensitive)."""
    text = pattern if isinstance(pattern, str) else None
    if text is not None:
        parts = text.split(":", 5)
        if len(parts) != 6:
            return lambda value: False
        matchers = [compile_glob(part) for part in parts]
    else:
        matchers = _split_runs_arn(pattern)
        if matchers is None:
            return lambda value: False

    def match(value: str) -> bool:
        parts = split_arn(value)
        return parts is not None and all(m(p) for m, p in zip(matchers, parts))

    return match


def _split_runs_arn(runs: Runs) -> list[Matcher] | None:
    """Split runs into six components at the first five colons of non-literal text."""
    components: list[list[tuple[str, bool]]] = [[]]
    for text, literal in runs:
        if literal or len(components) == 6:
            components[-1].append((text, literal))
            continue
        chunks = text.split(":", 6 - len(components))
        components[-1].append((chunks[0], False))
        for chunk in chunks[1:]:
            components.append([(chunk, False)])
    if len(components) != 6:
        return None
    return [compile_glob_runs(comp) for comp in components]


def any_match(matchers: Iterable[Matcher], text: str) -> bool:
    return any(m(text) for m in matchers)
