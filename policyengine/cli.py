"""The command line: ``policyengine check | explain | eval | schema``.

Exit status: 0 when everything holds, 1 when an expectation does not, 2 for unusable input or
misuse — with a message naming the file, line and column where known, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence

from . import __version__
from .errors import PolicyEngineError

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # misuse is exit status 2, like argparse, with our prefix
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNUSABLE, f"policyengine: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="policyengine",
                     description="Decide AWS KMS access exactly as AWS does, and explain why.")
    parser.add_argument("--version", action="version", version=f"policyengine {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    check = commands.add_parser("check", help="check scenario files against their expectations")
    check.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or folders")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--quiet", "-q", action="store_true", help="show failures only")

    explain = commands.add_parser("explain", help="explain the decision on a scenario request")
    explain.add_argument("path", metavar="FILE")
    explain.add_argument("--request", type=int, default=None, metavar="N",
                         help="index of the request (default: every request)")
    explain.add_argument("--format", choices=("text", "json"), default="text")

    ev = commands.add_parser("eval", help="decide one request without a scenario file")
    ev.add_argument("--principal", required=True, help="caller ARN or service principal")
    ev.add_argument("--action", help="permission, e.g. kms:Decrypt")
    ev.add_argument("--operation", help="KMS API operation, e.g. ReEncrypt")
    ev.add_argument("--key", help="key ARN, key ID, alias name or alias ARN")
    ev.add_argument("--key-policy", metavar="FILE",
                    help="key policy JSON (default: the default key policy)")
    ev.add_argument("--key-arn", metavar="ARN",
                    help="ARN of the key the policy belongs to (default: --key when it is one)")
    ev.add_argument("--policy", action="append", default=[], metavar="FILE",
                    help="identity policy of the caller (repeatable)")
    ev.add_argument("--boundary", metavar="FILE", help="permissions boundary of the caller")
    ev.add_argument("--context", action="append", default=[], metavar="KEY=VALUE",
                    help="request context key (repeatable)")
    ev.add_argument("--encryption-context", action="append", default=[], metavar="KEY=VALUE")
    ev.add_argument("--format", choices=("text", "json"), default="text")

    schema = commands.add_parser("schema", help="print a JSON Schema")
    schema.add_argument("name", choices=("scenario",))

    from .lint.cli import add_lint_commands  # `lint` and `rules` live in policyengine.lint

    add_lint_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_UNUSABLE
    try:
        if hasattr(args, "run_command"):  # lint, rules
            return args.run_command(args)
        return {"check": _check, "explain": _explain, "eval": _eval,
                "schema": _schema}[args.command](args)
    except PolicyEngineError as error:
        print(f"policyengine: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return EXIT_OK


# -- check -------------------------------------------------------------------------------------


def _check(args) -> int:
    from .scenario.check import check_file, scenario_files, summarize
    from .scenario.report import render_check

    files = scenario_files(args.paths)
    missing = [str(p) for p in map(Path, args.paths) if not p.exists()]
    results = [result for path in files for result in check_file(path)]
    summary = summarize(results)
    if args.format == "json":
        print(json.dumps({"files": [r.to_dict() for r in results], "summary": summary},
                         indent=2))
    else:
        print(render_check(results, summary, quiet=args.quiet))
    if missing and not files:
        return EXIT_UNUSABLE
    if summary["errors"]:
        return EXIT_UNUSABLE
    return EXIT_FAILED if any(r.status == "failed" for r in results) else EXIT_OK


# -- explain -----------------------------------------------------------------------------------


def _explain(args) -> int:
    from .kms.fixes import suggest_fixes
    from .kms.requests import authorize
    from .scenario.build import to_request, to_world
    from .scenario.load import load_scenario_file
    from .scenario.report import render_explanation

    loaded = load_scenario_file(args.path)
    output = []
    for scenario, positions in loaded:
        world = to_world(scenario, getattr(positions, "position", None))
        indexes = range(len(scenario.requests)) if args.request is None else [args.request]
        for index in indexes:
            if not 0 <= index < len(scenario.requests):
                raise PolicyEngineError(f"the scenario has no request {index}",
                                        file=args.path, json_path="requests")
            spec = scenario.requests[index]
            request = to_request(spec)
            decision = authorize(world, request, trace=True)
            fixes = suggest_fixes(world, request, decision)
            output.append((scenario, index, spec, decision, fixes))
    if args.format == "json":
        print(json.dumps([{"scenario": s.scenario, "request": i, **d.to_dict(),
                           "fixes": [{"text": f.text, "changes": list(f.changes)} for f in fx]}
                          for s, i, _spec, d, fx in output], indent=2, default=str))
    else:
        print("\n\n".join(render_explanation(s, i, spec, d, fx)
                           for s, i, spec, d, fx in output))
    return EXIT_OK


# -- eval --------------------------------------------------------------------------------------


def _pairs(items: list[str], option: str) -> dict:
    pairs = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise PolicyEngineError(f"{option} takes KEY=VALUE, not {item!r}")
        pairs[name] = _typed(value)
    return pairs


def _typed(value: str):
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    if value.isdigit():
        return int(value)
    return value


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyEngineError(f"cannot read {path}: {error.strerror}", file=path) from None
    except UnicodeDecodeError:
        raise PolicyEngineError(f"{path} is not UTF-8 text", file=path) from None


def _eval(args) -> int:
    from .kms.requests import authorize
    from .kms.world import KEY_ARN, Key, Principal, Request, World
    from .scenario.report import render_decision

    if bool(args.action) == bool(args.operation):
        raise PolicyEngineError("give exactly one of --action and --operation")
    keys = []
    key_arn = args.key_arn or (args.key if args.key and KEY_ARN.fullmatch(args.key) else None)
    if args.key_policy and not key_arn:
        raise PolicyEngineError("--key-policy needs the key's ARN (--key ARN or --key-arn)")
    if key_arn:
        keys.append(Key(key_arn, policy=_read(args.key_policy) if args.key_policy else None))
    principals = []
    if args.policy or args.boundary:
        arn = args.principal
        if ":assumed-role/" in arn:  # policies belong to the role of the session
            account, role = arn.split(":")[4], arn.split("/")[1]
            arn = f"arn:aws:iam::{account}:role/{role}"
        principals.append(Principal(arn, policies=tuple(_read(p) for p in args.policy),
                                    boundary=_read(args.boundary) if args.boundary else None))
    world = World(keys, principals)
    request = Request(args.principal, action=args.action, operation=args.operation,
                      key=args.key, context=_pairs(args.context, "--context"),
                      encryption_context=_pairs(args.encryption_context, "--encryption-context")
                      or None)
    decision = authorize(world, request, trace=True)
    if args.format == "json":
        print(json.dumps(decision.to_dict(), indent=2, default=str))
    else:
        print(render_decision(decision))
    return EXIT_OK if decision.allowed else EXIT_FAILED


# -- schema ------------------------------------------------------------------------------------


def _schema(args) -> int:
    from .scenario.models import scenario_json_schema

    print(json.dumps(scenario_json_schema(), indent=2))
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
