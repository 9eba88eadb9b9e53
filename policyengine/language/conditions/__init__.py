"""Condition operators: the registry, one module per family, and the clause evaluator."""

from .clause import ABSENT, Clause, compile_clause, single_value
from .registry import Operator, operator_names, resolve_operator

__all__ = ["ABSENT", "Clause", "Operator", "compile_clause", "operator_names",
           "resolve_operator", "single_value"]
