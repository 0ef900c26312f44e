"""A typed tree written back as rule text, for messages about it.

>>> from eligibility.language.types import DATE, INT
>>> unparse(n.Call(DATE, "add_days", (n.FieldRef(DATE, "d"), n.Const(INT, 1))))
'add_days(d, 1)'
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eligibility.language import nodes as n
from eligibility.language.values import Interval


def unparse(node: n.Node) -> str:
    """``node`` as the rule language writes it (constants as literals)."""
    if isinstance(node, n.Const):
        return _literal(node.value)
    if isinstance(node, (n.FieldRef, n.LoopVar, n.ParamRef)):
        return node.name
    if isinstance(node, n.QuotaRef):
        return f"quota.{node.name}"
    if isinstance(node, n.Attribute):
        return f"{_operand(node.operand)}.{node.name}"
    if isinstance(node, n.Index):
        return f"{_operand(node.operand)}[{unparse(node.key)}]"
    if isinstance(node, n.Not):
        return f"not {_operand(node.operand)}"
    if isinstance(node, n.Negate):
        return f"-{_operand(node.operand)}"
    if isinstance(node, n.BoolOp):
        return f" {node.op} ".join(_operand(item) for item in node.operands)
    if isinstance(node, (n.Compare, n.Arith)):
        return f"{_operand(node.left)} {node.op} {_operand(node.right)}"
    if isinstance(node, n.IsNull):
        return f"{_operand(node.operand)} is {'not ' if node.negated else ''}None"
    if isinstance(node, n.Member):
        return (f"{_operand(node.element)} {'not in' if node.negated else 'in'} "
                f"{_operand(node.container)}")
    if isinstance(node, n.Conditional):
        return (f"{_operand(node.then)} if {_operand(node.test)} "
                f"else {_operand(node.otherwise)}")
    if isinstance(node, n.Call):
        return f"{node.function}({', '.join(unparse(arg) for arg in node.args)})"
    if isinstance(node, n.ListOf):
        return f"[{', '.join(unparse(item) for item in node.items)}]"
    if isinstance(node, n.Range):
        return f"range({unparse(node.start)}, {unparse(node.stop)})"
    if isinstance(node, n.Reduce):
        tests = "".join(f" if {unparse(test)}" for test in node.conditions)
        return (f"{node.reducer}({unparse(node.element)} for {node.var} in "
                f"{unparse(node.iterable)}{tests})")
    return type(node).__name__


def _operand(node: n.Node) -> str:
    simple = (n.Const, n.FieldRef, n.LoopVar, n.ParamRef, n.QuotaRef, n.Attribute, n.Index,
              n.Call, n.ListOf, n.Range, n.Reduce)
    text = unparse(node)
    return text if isinstance(node, simple) else f"({text})"


def _literal(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Interval):
        return f"interval(date('{value.start}'), date('{value.end}'))"
    if isinstance(value, dt.date):
        return f"date('{value.isoformat()}')"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return f"[{', '.join(_literal(item) for item in value)}]"
    if isinstance(value, dict):
        return "{…}"
    return repr(value)
