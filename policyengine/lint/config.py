"""Linter configuration: ``[tool.policyengine.lint]`` in ``pyproject.toml`` or ``[lint]`` in
``policyengine.toml``.

Without ``--config FILE`` the nearest ``policyengine.toml`` (with a ``[lint]`` table) or
``pyproject.toml`` (with a ``[tool.policyengine.lint]`` table) is used, looking in the current
directory and then its parents; files without the table are skipped. Patterns in the
configuration are relative to the directory of the file that holds it.

Options (kebab-case; snake_case is accepted too)::

    [tool.policyengine.lint]
    select = ["POL", "KP", "IAM001"]          # ids, names or family prefixes; default: every rule
    ignore = ["POL003", "sid-problems"]
    fail-on = "high"                          # critical | high | medium | low | info | none
    exclude = ["build/**"]                    # files not to lint when folders are walked
    trusted-accounts = ["111122223333"]       # accounts that are not "external"
    organization-id = "o-a1b2c3d4e5"
    owner-account = "111122223333"            # owner of standalone key policies (else inferred)
    key-administrators = ["arn:aws:iam::111122223333:role/KeyAdmin"]
    break-glass-principals = ["arn:aws:iam::111122223333:role/BreakGlass"]
    abac = false                              # tags grant access (KP015 then guards TagResource)
    alias-access = false                      # aliases grant access (KP015 guards CreateAlias)

    [tool.policyengine.lint.types]            # policy type by path pattern
    "iam/**" = "identity"
    "org/scp-*.json" = "scp"

    [tool.policyengine.lint.per-file-ignores]
    "legacy/*.json" = ["KP006"]

    [tool.policyengine.lint.severity]         # severity overrides
    KP009 = "high"

    [[tool.policyengine.lint.suppress]]       # one finding kind in one file (and statement)
    rule = "KP006"
    path = "keys/partner.json"
    sid = "PartnerAdmin"                      # optional: only this statement
    reason = "partner runs the key on our behalf (TICKET-42)"
    expires = 2026-12-31                      # optional: after this date it no longer applies

A suppression needs a reason. One that matched nothing in the files linted is reported as
unused; one past its date is reported as expired and no longer hides its finding.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import PolicyEngineError
from .registry import SEVERITIES, RuleInfo, expand_selector, find_rule

__all__ = ["Config", "ConfigError", "Suppression", "load_config", "find_config", "Glob",
           "FAIL_ON_LEVELS", "config_from_table"]

POLICY_TYPES = ("key", "identity", "scp", "rcp", "boundary", "session", "endpoint")
FAIL_ON_LEVELS = ("critical", "high", "medium", "low", "info", "none")
_ACCOUNT = re.compile(r"\d{12}")


class ConfigError(PolicyEngineError):
    """The configuration cannot be used (exit status 2)."""


class Glob:
    """A path pattern: ``*`` within one folder, ``**`` across folders, ``?`` one character.

    A pattern without ``/`` also matches a file's name in any folder; a pattern also matches
    every file under a folder it matches (``legacy`` and ``legacy/**`` are the same).
    """

    __slots__ = ("text", "_regex", "_basename")

    def __init__(self, text: str) -> None:
        self.text = text
        pattern = text.strip().replace("\\", "/")
        while pattern.startswith("./"):
            pattern = pattern[2:]
        pattern = pattern.rstrip("/") or "**"
        out, i = [], 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
            elif pattern.startswith("**", i):
                out.append(".*")
                i += 2
            elif pattern[i] == "*":
                out.append("[^/]*")
                i += 1
            elif pattern[i] == "?":
                out.append("[^/]")
                i += 1
            else:
                out.append(re.escape(pattern[i]))
                i += 1
        self._regex = re.compile("".join(out), re.DOTALL)
        self._basename = "/" not in pattern

    def matches(self, relative: str) -> bool:
        relative = relative.replace("\\", "/")
        while relative.startswith("./"):
            relative = relative[2:]
        if self._regex.fullmatch(relative):
            return True
        parts = relative.split("/")
        if self._basename and self._regex.fullmatch(parts[-1]):
            return True
        return any(self._regex.fullmatch("/".join(parts[:end])) for end in range(1, len(parts)))

    def __repr__(self) -> str:
        return f"Glob({self.text!r})"


@dataclass
class Suppression:
    rule: RuleInfo
    path: Glob
    reason: str
    sid: str | None = None
    expires: date | None = None
    index: int = 0  # position among the suppressions of the configuration
    used: int = 0  # findings it hid in this run
    files: int = 0  # linted files its path matched in this run
    hit_while_expired: int = 0  # findings it would have hidden, had it not expired

    def expired(self, today: date | None = None) -> bool:
        return self.expires is not None and (today or date.today()) > self.expires

    def describe(self) -> str:
        where = f"{self.path.text}" + (f", Sid {self.sid!r}" if self.sid else "")
        return f"{self.rule.id} {self.rule.name} in {where}"

    def to_dict(self) -> dict:
        return {"rule": self.rule.id, "name": self.rule.name, "path": self.path.text,
                "sid": self.sid, "reason": self.reason,
                "expires": self.expires.isoformat() if self.expires else None}


@dataclass
class Config:
    source: Path | None = None  # the file the configuration came from
    root: Path = field(default_factory=Path.cwd)  # patterns are relative to this folder
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    exclude: list[Glob] = field(default_factory=list)
    per_file_ignores: list[tuple[Glob, list[str]]] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> SEVERITY
    types: list[tuple[Glob, str]] = field(default_factory=list)
    trusted_accounts: list[str] = field(default_factory=list)
    organization_id: str | None = None
    owner_account: str | None = None
    key_administrators: list[str] = field(default_factory=list)
    break_glass_principals: list[str] = field(default_factory=list)
    abac: bool = False
    alias_access: bool = False
    suppressions: list[Suppression] = field(default_factory=list)

    def relative(self, path: str) -> str:
        """``path`` relative to the configuration's folder (posix separators)."""
        if path in ("-", "<stdin>"):
            return path
        try:
            absolute = os.path.abspath(path)
            relative = os.path.relpath(absolute, self.root)
        except ValueError:  # another drive on Windows
            return Path(path).as_posix()
        if relative.startswith(".."):
            return Path(absolute).as_posix()
        return Path(relative).as_posix()

    def type_for(self, path: str) -> str | None:
        if not self.types:
            return None
        relative = self.relative(path)
        for glob, policy_type in self.types:
            if glob.matches(relative):
                return policy_type
        return None

    def excluded(self, path: str) -> bool:
        if not self.exclude:
            return False
        relative = self.relative(path)
        return any(glob.matches(relative) for glob in self.exclude)

    def ignored_for(self, path: str) -> set[str]:
        """Rule ids the per-file ignores switch off for ``path``."""
        relative = self.relative(path)
        ids: set[str] = set()
        for glob, selectors in self.per_file_ignores:
            if glob.matches(relative):
                for selector in selectors:
                    ids.update(info.id for info in expand_selector(selector))
        return ids

    def trusted(self, account: str | None) -> bool:
        return account is not None and account in self.trusted_accounts


# -- finding and reading ------------------------------------------------------------------------


def find_config(start: Path | None = None) -> tuple[Path, dict] | None:
    """The nearest configuration file from ``start`` (default: the current folder) upward,
    with its lint table; None if there is none."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        for name, table in (("policyengine.toml", ("lint",)),
                            ("pyproject.toml", ("tool", "policyengine", "lint"))):
            path = candidate / name
            if path.is_file():
                data = _read_toml(path)
                found = _dig(data, table)
                if found is not None:
                    return path, found
    return None


def load_config(path: str | Path | None = None, *, start: Path | None = None) -> Config:
    """The configuration from ``path`` (a ``pyproject.toml`` or ``policyengine.toml``), or the
    nearest one found from ``start``; defaults when there is none. Raises ConfigError."""
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise ConfigError("no such configuration file", file=str(path))
        data = _read_toml(path)
        table = _dig(data, ("tool", "policyengine", "lint")) if path.name == "pyproject.toml" \
            else _dig(data, ("lint",))
        if table is None:
            table = _dig(data, ("tool", "policyengine", "lint"))
        if table is None:
            where = "[tool.policyengine.lint]" if path.name == "pyproject.toml" else "[lint]"
            raise ConfigError(f"the file has no {where} table", file=str(path))
        return _from_table(table, path)
    found = find_config(start)
    if found is None:
        return Config(root=(start or Path.cwd()).resolve())
    return _from_table(found[1], found[0])


def _read_toml(path: Path) -> dict:
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise ConfigError("reading TOML configuration on Python 3.10 needs the 'tomli' "
                              "package (pip install tomli)", file=str(path)) from None
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"cannot read the file: {error.strerror}", file=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML: {error}", file=str(path)) from None


def _dig(data: Any, keys: tuple[str, ...]) -> dict | None:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    if not isinstance(data, dict):
        return None
    return data


_OPTIONS = ("select", "ignore", "fail-on", "exclude", "per-file-ignores", "severity", "types",
            "trusted-accounts", "organization-id", "owner-account", "key-administrators",
            "break-glass-principals", "abac", "alias-access", "suppress")


def config_from_table(table: dict, root: str | Path | None = None) -> Config:
    """A configuration from the contents of a lint table (as parsed from TOML), with patterns
    relative to ``root`` (default: the current folder). Raises ConfigError."""
    root = Path(root or Path.cwd()).resolve()
    config = _from_table(table, root / "<table>")
    config.source = None
    return config


def _from_table(table: dict, path: Path) -> Config:
    where = str(path)
    config = Config(source=path, root=path.parent.resolve())

    def fail(message: str) -> ConfigError:
        return ConfigError(message, file=where)

    for raw_name, value in table.items():
        name = raw_name.replace("_", "-")
        if name not in _OPTIONS:
            import difflib

            close = difflib.get_close_matches(name, _OPTIONS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise fail(f"unknown lint option {raw_name!r}{hint}")
        if name in ("select", "ignore"):
            selectors = _strings(value, name, fail)
            _check_selectors(selectors, name, fail)
            if name == "select":
                config.select = selectors
            else:
                config.ignore = selectors
        elif name == "fail-on":
            if not isinstance(value, str) or value.lower() not in FAIL_ON_LEVELS:
                raise fail(f"fail-on must be one of {', '.join(FAIL_ON_LEVELS)}")
            config.fail_on = value.lower()
        elif name == "exclude":
            config.exclude = [Glob(p) for p in _strings(value, name, fail)]
        elif name == "per-file-ignores":
            for pattern, selectors in _table(value, name, fail).items():
                selectors = _strings(selectors, f"per-file-ignores {pattern!r}", fail)
                _check_selectors(selectors, f"per-file-ignores {pattern!r}", fail)
                config.per_file_ignores.append((Glob(pattern), selectors))
        elif name == "severity":
            for selector, level in _table(value, name, fail).items():
                if not isinstance(level, str) or level.upper() not in SEVERITIES:
                    raise fail(f"severity of {selector!r} must be one of "
                               f"{', '.join(s.lower() for s in SEVERITIES)}")
                _check_selectors([selector], "severity", fail)
                for info in expand_selector(selector):
                    config.severity[info.id] = level.upper()
        elif name == "types":
            for pattern, policy_type in _table(value, name, fail).items():
                if policy_type not in POLICY_TYPES:
                    raise fail(f"types: {policy_type!r} (for {pattern!r}) is not a policy type; "
                               f"use one of {', '.join(POLICY_TYPES)}")
                config.types.append((Glob(pattern), policy_type))
        elif name == "trusted-accounts":
            accounts = [str(a) for a in _strings(value, name, fail, allow_int=True)]
            for account in accounts:
                if not _ACCOUNT.fullmatch(account):
                    raise fail(f"trusted-accounts: {account!r} is not a 12-digit account ID")
            config.trusted_accounts = accounts
        elif name == "owner-account":
            account = str(value)
            if not _ACCOUNT.fullmatch(account):
                raise fail(f"owner-account: {value!r} is not a 12-digit account ID")
            config.owner_account = account
        elif name == "organization-id":
            if not isinstance(value, str) or not re.fullmatch(r"o-[a-z0-9]{10,32}", value):
                raise fail(f"organization-id: {value!r} is not an organization ID (o-...)")
            config.organization_id = value
        elif name in ("key-administrators", "break-glass-principals"):
            principals = _strings(value, name, fail)
            for principal in principals:
                if not (principal.startswith("arn:") or _ACCOUNT.fullmatch(principal)):
                    raise fail(f"{name}: {principal!r} is not a principal ARN or account ID")
            setattr(config, name.replace("-", "_"), principals)
        elif name in ("abac", "alias-access"):
            if not isinstance(value, bool):
                raise fail(f"{name} must be true or false")
            setattr(config, name.replace("-", "_"), value)
        elif name == "suppress":
            config.suppressions = _suppressions(value, fail)
    return config


def _strings(value: Any, name: str, fail, allow_int: bool = False) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(
            isinstance(v, str) or (allow_int and isinstance(v, int)) for v in value):
        return [str(v) for v in value]
    raise fail(f"{name} must be a list of strings")


def _table(value: Any, name: str, fail) -> dict:
    if not isinstance(value, dict):
        raise fail(f"{name} must be a table")
    return value


def _check_selectors(selectors: list[str], name: str, fail) -> None:
    for selector in selectors:
        try:
            expand_selector(selector)
        except ValueError as error:
            raise fail(f"{name}: {error}") from None


def _suppressions(value: Any, fail) -> list[Suppression]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise fail("suppress must be an array of tables ([[tool.policyengine.lint.suppress]])")
    out = []
    for index, item in enumerate(value):
        label = f"suppress #{index + 1}"
        if not isinstance(item, dict):
            raise fail(f"{label} must be a table")
        unknown = set(item) - {"rule", "path", "sid", "reason", "expires"}
        if unknown:
            raise fail(f"{label}: unknown field(s) {', '.join(sorted(unknown))} "
                       "(rule, path, sid, reason, expires)")
        for required in ("rule", "path", "reason"):
            if not isinstance(item.get(required), str) or not item[required].strip():
                raise fail(f"{label} needs {required!r}" + (
                    " (say why the finding is accepted)" if required == "reason" else ""))
        info = find_rule(item["rule"])
        if info is None:
            raise fail(f"{label}: {item['rule']!r} is not a rule id or name")
        sid = item.get("sid")
        if sid is not None and not isinstance(sid, str):
            raise fail(f"{label}: sid must be a string")
        expires = item.get("expires")
        if expires is not None:
            if isinstance(expires, str):
                try:
                    expires = date.fromisoformat(expires)
                except ValueError:
                    raise fail(f"{label}: expires {expires!r} is not a date (YYYY-MM-DD)") \
                        from None
            elif not isinstance(expires, date):
                raise fail(f"{label}: expires must be a date (YYYY-MM-DD)")
            if hasattr(expires, "date") and callable(expires.date):  # a TOML datetime
                expires = expires.date()
        out.append(Suppression(info, Glob(item["path"]), item["reason"].strip(), sid, expires,
                               index))
    return out
