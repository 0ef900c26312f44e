"""Parse and type-check rule expressions into typed trees.

The rule language is a small, pure subset of Python's expression syntax, parsed with the
standard :mod:`ast` module (never ``eval``): literals, names, ``quota.<attribute>``,
``date.year``-style attributes, ``field[year]`` and ``parameter[code]`` look-ups,
arithmetic, comparisons (chained too), ``in``/``not in``, ``is None``, ``and``/``or``/``not``,
``a if c else b``, calls of the documented functions and reducers over one generator
(``any(overlaps(e, quota.course) for e in enrollments)``). Every name is resolved and every
operator checked against the declared types, so a rulebook that loads cannot fail at run
time for a reason its author could have seen.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from eligibility.errors import suggest
from eligibility.i18n.phrase import Phrase, PhraseError
from eligibility.language import nodes as n
from eligibility.language.domain import INT_MAX, INT_MIN
from eligibility.language.registry import FUNCTIONS, REDUCERS, VARIADIC
from eligibility.language.registry.arithmetic import same_numeric
from eligibility.language.syntax_words import syntax_detail
from eligibility.language.types import (
    AGE_SCHEDULE,
    ATTRIBUTES,
    BOOL,
    DATE,
    INT,
    NULL,
    NUMBER,
    RANGE,
    TEXT,
    ByCodeType,
    EnumType,
    ListType,
    Type,
    YearlyType,
    comparable,
    is_numeric,
    numeric_result,
    orderable,
)


@dataclass
class ExpressionProblem(Exception):
    """A problem at ``line``/``column`` (1-based line, 0-based character offset) of a text."""

    message: Phrase
    line: int = 1
    column: int = 0
    kind: str = "type"
    expected: Phrase | None = None
    suggestion: str | None = None


@dataclass(frozen=True)
class Scope:
    """Everything an expression may name, with its type."""

    fields: Mapping[str, Type]
    quota: Mapping[str, Type]
    parameters: Mapping[str, Type]
    loop: Mapping[str, Type] = field(default_factory=dict)
    lets: Mapping[str, n.Node] = field(default_factory=dict)

    def with_loop(self, name: str, kind: Type) -> Scope:
        return replace(self, loop={**self.loop, name: kind})

    def with_let(self, name: str, value: n.Node) -> Scope:
        """The scope with a rule's named value ``name`` (its tree is used in its place)."""
        return replace(self, lets={**self.lets, name: value})

    def with_quota(self, name: str, kind: Type) -> Scope:
        return replace(self, quota={**self.quota, name: kind})


MAX_EXPRESSION_CHARS = 20_000
MAX_EXPRESSION_NODES = 5_000
MAX_EXPRESSION_DEPTH = 64

_COMPARE_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
                ast.GtE: ">="}
_ARITH_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
              ast.Mod: "%"}


def parse_expression(text: str, scope: Scope, *, expect: Type | None = None) -> n.Node:
    """Parse ``text`` and check it against ``scope``; its type must be ``expect`` if given.

    >>> from eligibility.language.types import DATE
    >>> scope = Scope(fields={"birth_date": DATE}, quota={"start": DATE}, parameters={})
    >>> parse_expression("age_on(birth_date, quota.start) <= 35", scope).type.name
    'bool'
    """
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionProblem(
            Phrase("language.too_long", length=len(text), most=MAX_EXPRESSION_CHARS),
            kind="syntax", expected=Phrase("language.shorter_expected"))
    tree, shift = _parse(text)
    checker = _Checker(text, shift)
    checker.check_size(tree.body)
    node = checker.check(tree.body, scope)
    checker.check_schedules(tree.body, node)
    if expect is not None and not _assignable(node.type, expect):
        raise checker.problem(tree.body, Phrase("language.wrong_result_type", type=str(node.type),
                                                expected=str(expect)),
                              expected=Phrase("language.expression_of_type", type=str(expect)))
    return node


def _parse(text: str) -> tuple[ast.Expression, int]:
    """The syntax tree of ``text`` and how far its first line was shifted to the right.

    An expression written over several YAML lines, or indented, only parses inside
    parentheses; the first line's columns then move one to the right.
    """
    if "\x00" in text:
        raise ExpressionProblem(Phrase("language.nul_character"), line=1,
                                column=text.index("\x00"), kind="syntax")
    try:
        return ast.parse(text, mode="eval"), 0
    except SyntaxError as error:
        first = error
    except (RecursionError, MemoryError):
        raise _too_deep() from None
    try:
        return ast.parse(f"({text}\n)", mode="eval"), 1
    except SyntaxError:
        pass
    except (RecursionError, MemoryError):
        raise _too_deep() from None
    line = first.lineno or 1
    lines = text.split("\n")
    if line > len(lines):
        line = len(lines)
    column = min(max((first.offset or 1) - 1, 0), len(lines[line - 1]))
    raise ExpressionProblem(Phrase("language.syntax_error", detail=syntax_detail(first.msg)),
                            line, column, kind="syntax",
                            expected=Phrase("language.syntax_expected"))


def _too_deep() -> ExpressionProblem:
    return ExpressionProblem(Phrase("language.too_deep", most=MAX_EXPRESSION_DEPTH),
                             kind="syntax", expected=Phrase("language.flatter_expected"))


def _assignable(actual: Type, expected: Type) -> bool:
    return actual in (expected, NULL) or (expected == NUMBER and actual == INT)


class _Checker:
    def __init__(self, text: str, shift: int) -> None:
        self.lines = text.split("\n")
        self.shift = shift

    def problem(self, node: ast.AST, message: Phrase, *, kind: str = "type",
                expected: Phrase | None = None,
                suggestion: str | None = None) -> ExpressionProblem:
        line = getattr(node, "lineno", 1)
        byte_offset = getattr(node, "col_offset", 0)
        source = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        if line == 1:
            source = "(" * self.shift + source
        column = len(source.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))
        if line == 1:
            column = max(column - self.shift, 0)
        return ExpressionProblem(message, line, column, kind, expected, suggestion)

    def check_size(self, root: ast.AST) -> None:
        """Refuse, before checking it recursively, an expression too large or too deep."""
        count = 0
        stack: list[tuple[ast.AST, int]] = [(root, 1)]
        while stack:
            node, depth = stack.pop()
            count += 1
            if count > MAX_EXPRESSION_NODES:
                raise self.problem(root, Phrase("language.too_many_parts",
                                                most=MAX_EXPRESSION_NODES), kind="syntax",
                                   expected=Phrase("language.shorter_expected"))
            if depth > MAX_EXPRESSION_DEPTH:
                raise self.problem(node, Phrase("language.too_deep", most=MAX_EXPRESSION_DEPTH),
                                   kind="syntax", expected=Phrase("language.flatter_expected"))
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))

    def check_schedules(self, root: ast.AST, node: n.Node) -> None:
        """An age schedule may only be given to retirement_date()."""
        if node.type == AGE_SCHEDULE:
            raise self.problem(root, Phrase("language.age_schedule_use"),
                               expected=Phrase("language.age_schedule_expected"))
        for item in node.walk():
            for index, child in enumerate(item.children()):
                if child.type != AGE_SCHEDULE:
                    continue
                allowed = (isinstance(item, n.Call) and item.function == "retirement_date"
                           and index == 1) or (isinstance(item, n.Conditional) and index > 0)
                if not allowed:
                    raise self.problem(root, Phrase("language.age_schedule_use"),
                                       expected=Phrase("language.age_schedule_expected"))

    def check(self, node: ast.AST, scope: Scope) -> n.Node:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise self.problem(node, Phrase("language.not_in_language", syntax=_describe(node)),
                               kind="syntax", expected=Phrase("language.language_expected"))
        return method(node, scope)

    # literals and names -------------------------------------------------------------------
    def _Constant(self, node: ast.Constant, scope: Scope) -> n.Node:
        value = node.value
        if isinstance(value, bool):
            return n.Const(BOOL, value)
        if isinstance(value, int):
            if not INT_MIN <= value <= INT_MAX:
                raise self.problem(node, Phrase("language.integer_too_large"), kind="type",
                                   expected=Phrase("language.integer_range", low=INT_MIN,
                                                   high=INT_MAX))
            return n.Const(INT, value)
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise self.problem(node, Phrase("language.number_too_large"), kind="type")
            return n.Const(NUMBER, value)
        if isinstance(value, str):
            return n.Const(TEXT, value)
        if value is None:
            return n.Const(NULL, None)
        raise self.problem(node, Phrase("language.literal_not_allowed", literal=repr(value)),
                           kind="syntax")

    def _Name(self, node: ast.Name, scope: Scope) -> n.Node:
        name = node.id
        if name in scope.loop:
            return n.LoopVar(scope.loop[name], name)
        if name in scope.lets:
            return scope.lets[name]
        if name in scope.fields:
            return n.FieldRef(scope.fields[name], name)
        if name in scope.parameters:
            return n.ParamRef(scope.parameters[name], name)
        if name in ("true", "false"):
            return n.Const(BOOL, name == "true")
        if name == "quota":
            raise self.problem(node, Phrase("language.quota_needs_attribute"),
                               expected=_quota_attributes(scope))
        known = [*scope.loop, *scope.lets, *scope.fields, *scope.parameters]
        raise self.problem(node, Phrase("language.unknown_name", name=name), kind="name",
                           expected=Phrase("language.name_expected"),
                           suggestion=suggest(name, known))

    def _List(self, node: ast.List | ast.Tuple, scope: Scope) -> n.Node:
        items = tuple(self.check(item, scope) for item in node.elts)
        kinds = {item.type for item in items if item.type != NULL}
        if len(kinds) > 1:
            if all(is_numeric(kind) for kind in kinds):
                return n.ListOf(ListType("list", NUMBER), items)
            raise self.problem(node, Phrase("language.list_of_one_type",
                                            types=", ".join(sorted(map(str, kinds)))))
        item_type = kinds.pop() if kinds else TEXT
        return n.ListOf(ListType("list", item_type), items)

    _Tuple = _List

    def _Attribute(self, node: ast.Attribute, scope: Scope) -> n.Node:
        if isinstance(node.value, ast.Name) and node.value.id == "quota" \
                and "quota" not in scope.loop:
            if node.attr not in scope.quota:
                raise self.problem(_attribute_name(node),
                                   Phrase("language.no_quota_attribute", name=node.attr),
                                   kind="name",
                                   expected=_quota_attributes(scope),
                                   suggestion=_prefixed("quota.", suggest(node.attr, scope.quota)))
            return n.QuotaRef(scope.quota[node.attr], node.attr)
        operand = self.check(node.value, scope)
        attributes = ATTRIBUTES.get(operand.type, {})
        if node.attr not in attributes:
            hint = ", ".join(f".{name}" for name in attributes) or Phrase("language.none")
            raise self.problem(_attribute_name(node),
                               Phrase("language.no_attribute", type=str(operand.type),
                                      name=node.attr),
                               kind="name",
                               expected=Phrase("language.attributes_of", type=str(operand.type),
                                               attributes=hint),
                               suggestion=suggest(node.attr, attributes))
        return n.Attribute(attributes[node.attr], operand, node.attr)

    def _Subscript(self, node: ast.Subscript, scope: Scope) -> n.Node:
        operand = self.check(node.value, scope)
        key = self.check(node.slice, scope)
        if isinstance(operand.type, YearlyType):
            if key.type != INT:
                raise self.problem(node.slice, Phrase("language.yearly_index", type=str(key.type)),
                                   expected=Phrase("language.yearly_index_expected"))
            return n.Index(operand.type.item, operand, key)
        if isinstance(operand.type, ByCodeType):
            key = self._coerce(key, operand.type.key, node.slice)
            if key.type != operand.type.key:
                raise self.problem(node.slice, Phrase("language.parameter_index",
                                                      key=str(operand.type.key),
                                                      type=str(key.type)))
            return n.Index(operand.type.item, operand, key)
        raise self.problem(node, Phrase("language.not_indexable", type=str(operand.type)),
                           expected=Phrase("language.indexable_expected"))

    # operators -----------------------------------------------------------------------------
    def _UnaryOp(self, node: ast.UnaryOp, scope: Scope) -> n.Node:
        operand = self.check(node.operand, scope)
        if isinstance(node.op, ast.Not):
            self._require(operand, BOOL, node.operand, Phrase("language.context_not"))
            return n.Not(BOOL, operand)
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            if not is_numeric(operand.type):
                raise self.problem(node, Phrase("language.sign_needs_number",
                                                type=str(operand.type)))
            if isinstance(node.op, ast.UAdd):
                return operand
            if isinstance(operand, n.Const):
                return n.Const(operand.type, -operand.value)
            return n.Negate(operand.type, operand)
        raise self.problem(node, Phrase("language.operator_not_in_language"), kind="syntax")

    def _BoolOp(self, node: ast.BoolOp, scope: Scope) -> n.Node:
        operands = tuple(self.check(value, scope) for value in node.values)
        op = "and" if isinstance(node.op, ast.And) else "or"
        for value, operand in zip(node.values, operands, strict=True):
            self._require(operand, BOOL, value, Phrase("language.context_joins", op=op))
        return n.BoolOp(BOOL, op, operands)

    def _BinOp(self, node: ast.BinOp, scope: Scope) -> n.Node:
        op = _ARITH_OPS.get(type(node.op))
        if op is None:
            raise self.problem(node, Phrase("language.operator_not_in_language"),
                               kind="syntax", expected=Phrase("language.operators_expected"))
        left = self.check(node.left, scope)
        right = self.check(node.right, scope)
        if op == "+" and left.type == TEXT and right.type == TEXT:
            return n.Arith(TEXT, op, left, right)
        for side, value in ((node.left, left), (node.right, right)):
            if not is_numeric(value.type):
                raise self.problem(side, Phrase("language.needs_numbers", op=op,
                                                type=str(value.type)),
                                   expected=Phrase("language.shift_date_expected"))
        result = NUMBER if op == "/" else numeric_result(left.type, right.type)
        return n.Arith(result, op, left, right)

    def _Compare(self, node: ast.Compare, scope: Scope) -> n.Node:
        parts: list[n.Node] = []
        left_ast, left = node.left, self.check(node.left, scope)
        for op, right_ast in zip(node.ops, node.comparators, strict=True):
            right = self.check(right_ast, scope)
            parts.append(self._compare_pair(node, op, left, right, left_ast, right_ast))
            left_ast, left = right_ast, right
        return parts[0] if len(parts) == 1 else n.BoolOp(BOOL, "and", tuple(parts))

    def _compare_pair(self, node: ast.AST, op: ast.cmpop, left: n.Node, right: n.Node,
                      left_ast: ast.AST, right_ast: ast.AST) -> n.Node:
        if isinstance(op, (ast.Is, ast.IsNot)):
            if not (isinstance(right, n.Const) and right.value is None):
                raise self.problem(right_ast, Phrase("language.is_only_none"),
                                   expected=Phrase("language.is_none_expected"))
            return n.IsNull(BOOL, left, isinstance(op, ast.IsNot))
        if isinstance(op, (ast.In, ast.NotIn)):
            return self._member(left, right, left_ast, right_ast, isinstance(op, ast.NotIn))
        symbol = _COMPARE_OPS[type(op)]
        left = self._coerce(left, right.type, left_ast)
        right = self._coerce(right, left.type, right_ast)
        if not comparable(left.type, right.type):
            raise self.problem(node, Phrase("language.cannot_compare", left=str(left.type),
                                            right=str(right.type)),
                               expected=Phrase("language.compare_expected", op=symbol))
        if symbol not in ("==", "!=") and not orderable(left.type if left.type != NULL
                                                         else right.type):
            raise self.problem(node, Phrase("language.no_order", type=str(left.type)),
                               expected=Phrase("language.no_order_expected"))
        return n.Compare(BOOL, symbol, left, right)

    def _member(self, element: n.Node, container: n.Node, element_ast: ast.AST,
                container_ast: ast.AST, negated: bool) -> n.Node:
        if not isinstance(container.type, ListType):
            raise self.problem(container_ast, Phrase("language.in_needs_list",
                                                     type=str(container.type)))
        item_type = container.type.item
        if isinstance(container, n.ListOf) and isinstance(element.type, EnumType):
            items = tuple(self._coerce(item, element.type, container_ast)
                          for item in container.items)
            container = n.ListOf(ListType("list", element.type), items)
            item_type = element.type
        element = self._coerce(element, item_type, element_ast)
        if not comparable(element.type, item_type):
            raise self.problem(element_ast, Phrase("language.not_in_list_of",
                                                   type=str(element.type),
                                                   item_type=str(item_type)))
        return n.Member(BOOL, element, container, negated)

    def _IfExp(self, node: ast.IfExp, scope: Scope) -> n.Node:
        test = self.check(node.test, scope)
        self._require(test, BOOL, node.test, Phrase("language.context_if_test"))
        then = self.check(node.body, scope)
        otherwise = self.check(node.orelse, scope)
        then = self._coerce(then, otherwise.type, node.body)
        otherwise = self._coerce(otherwise, then.type, node.orelse)
        if then.type == otherwise.type or otherwise.type == NULL:
            kind = then.type
        elif then.type == NULL:
            kind = otherwise.type
        elif is_numeric(then.type) and is_numeric(otherwise.type):
            kind = NUMBER
        else:
            raise self.problem(node, Phrase("language.branches_differ", then=str(then.type),
                                            otherwise=str(otherwise.type)))
        return n.Conditional(kind, test, then, otherwise)

    # calls -----------------------------------------------------------------------------------
    def _Call(self, node: ast.Call, scope: Scope) -> n.Node:
        if not isinstance(node.func, ast.Name):
            raise self.problem(node, Phrase("language.only_functions"), kind="syntax")
        name = node.func.id
        if node.keywords:
            raise self.problem(node.keywords[0], Phrase("language.positional_only"),
                               kind="syntax")
        if name in REDUCERS:
            return self._reduce(node, name, scope)
        if name == "date":
            return self._date_literal(node)
        if name in VARIADIC:
            return self._variadic(node, name, scope)
        function = FUNCTIONS.get(name)
        if function is None:
            known = [*FUNCTIONS, *REDUCERS, *VARIADIC, "date"]
            raise self.problem(node.func, Phrase("language.unknown_function", name=name),
                               kind="name", expected=Phrase("language.function_expected"),
                               suggestion=suggest(name, known))
        assert function.params is not None
        if len(node.args) != len(function.params):
            raise self.problem(node, Phrase("language.argument_count", function=name,
                                            count=len(function.params), given=len(node.args)),
                               expected=Phrase("language.example", example=function.example))
        args: list[n.Node] = []
        for arg_ast, param in zip(node.args, function.params, strict=True):
            arg = self.check(arg_ast, scope)
            if not _accepts(param, arg.type):
                raise self.problem(arg_ast, Phrase("language.argument_type", function=name,
                                                   param=str(param), type=str(arg.type)),
                                   expected=Phrase("language.example", example=function.example))
            args.append(arg)
        result = function.result
        if name == "abs":
            result = same_numeric([arg.type for arg in args])
        assert result is not None
        return n.Call(result, name, tuple(args))

    def _variadic(self, node: ast.Call, name: str, scope: Scope) -> n.Node:
        if len(node.args) < 2:
            raise self.problem(node, Phrase("language.two_or_more", function=name))
        args = tuple(self.check(arg, scope) for arg in node.args)
        kinds = {arg.type for arg in args}
        if all(is_numeric(kind) for kind in kinds):
            result = INT if kinds == {INT} else NUMBER
        elif kinds == {DATE}:
            result = DATE
        else:
            raise self.problem(node, Phrase("language.compares_numbers_or_dates", function=name,
                                            types=", ".join(sorted(map(str, kinds)))))
        return n.Call(result, name, args)

    def _date_literal(self, node: ast.Call) -> n.Node:
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant) \
                or not isinstance(node.args[0].value, str):
            raise self.problem(node, Phrase("language.date_literal"),
                               expected=Phrase("language.date_literal_expected"))
        try:
            return n.Const(DATE, dt.date.fromisoformat(node.args[0].value))
        except ValueError:
            raise self.problem(node.args[0], Phrase("language.not_a_date",
                                                    text=node.args[0].value),
                               expected=Phrase("language.date_expected")) from None

    def _reduce(self, node: ast.Call, reducer: str, scope: Scope) -> n.Node:
        if len(node.args) != 1 or not isinstance(node.args[0], ast.GeneratorExp):
            raise self.problem(node, Phrase("language.one_generator", function=reducer),
                               kind="syntax", expected=Phrase("language.generator_expected"))
        generator = node.args[0]
        if len(generator.generators) != 1:
            raise self.problem(generator, Phrase("language.one_for"), kind="syntax")
        loop = generator.generators[0]
        if not isinstance(loop.target, ast.Name) or loop.is_async:
            raise self.problem(loop.target, Phrase("language.loop_variable"), kind="syntax")
        iterable = self._iterable(loop.iter, scope)
        item_type = INT if iterable.type == RANGE else iterable.type.item  # type: ignore[attr-defined]
        inner = scope.with_loop(loop.target.id, item_type)
        conditions = tuple(self.check(test, inner) for test in loop.ifs)
        for test, condition in zip(loop.ifs, conditions, strict=True):
            self._require(condition, BOOL, test, Phrase("language.context_filter"))
        element = self.check(generator.elt, inner)
        if iterable.type != RANGE:
            self._only_item_inside(generator.elt, element, loop.target.id)
            for test, condition in zip(loop.ifs, conditions, strict=True):
                self._only_item_inside(test, condition, loop.target.id)
        result = self._reducer_type(reducer, element, generator.elt)
        return n.Reduce(result, reducer, element, loop.target.id, iterable, conditions)

    def _only_item_inside(self, node: ast.AST, value: n.Node, var: str) -> None:
        # Each item of a list is decided on its own (a polars list.eval), so the loop body
        # may use the item, quota attributes and parameters, not other candidate fields.
        fields = n.references(value, n.FieldRef)
        if fields:
            raise self.problem(node, Phrase("language.loop_uses_field", var=var,
                                            field=sorted(fields)[0]),
                               expected=Phrase("language.loop_uses_field_expected",
                                               field=sorted(fields)[0]))

    def _iterable(self, node: ast.AST, scope: Scope) -> n.Node:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "range":
            if len(node.args) != 2:
                raise self.problem(node, Phrase("language.range_arguments"),
                                   expected=Phrase("language.range_expected"))
            start, stop = (self.check(arg, scope) for arg in node.args)
            for arg_ast, arg in zip(node.args, (start, stop), strict=True):
                self._require(arg, INT, arg_ast, Phrase("language.context_range"))
                fixed = {item.name for item in arg.walk()
                         if isinstance(item, (n.FieldRef, n.LoopVar))}
                if fixed:
                    raise self.problem(arg_ast, Phrase("language.range_fixed"),
                                       expected=Phrase("language.range_fixed_expected"))
            return n.Range(RANGE, start, stop)
        iterable = self.check(node, scope)
        if not isinstance(iterable.type, ListType):
            raise self.problem(node, Phrase("language.cannot_loop", type=str(iterable.type)),
                               expected=Phrase("language.loop_expected"))
        return iterable

    def _reducer_type(self, reducer: str, element: n.Node, element_ast: ast.AST) -> Type:
        if reducer in ("any", "all", "count"):
            self._require(element, BOOL, element_ast, Phrase("language.context_counts",
                                                             function=reducer))
            return INT if reducer == "count" else BOOL
        if reducer == "sum":
            if not is_numeric(element.type):
                raise self.problem(element_ast, Phrase("language.sum_numbers",
                                                       type=str(element.type)))
            return element.type
        if not (is_numeric(element.type) or element.type == DATE):
            raise self.problem(element_ast, Phrase("language.needs_numbers_or_dates",
                                                   function=reducer))
        return element.type

    # helpers ------------------------------------------------------------------------------------
    def _require(self, value: n.Node, kind: Type, node: ast.AST, context: Phrase) -> None:
        if value.type != kind and value.type != NULL:
            raise self.problem(node, Phrase("language.required_type", context=context,
                                            expected=str(kind), type=str(value.type)),
                               expected=Phrase("language.expression_of_type", type=str(kind)))

    def _coerce(self, value: n.Node, target: Type, node: ast.AST) -> n.Node:
        """Give a text literal the vocabulary type it is compared with, checking the code."""
        if not (isinstance(target, EnumType) and isinstance(value, n.Const)
                and value.type == TEXT):
            return value
        if value.value not in target.codes:
            raise self.problem(node, Phrase("language.not_a_code", value=str(value.value),
                                            vocabulary=target.name),
                               kind="name",
                               expected=Phrase("language.one_of", choices=", ".join(target.codes)),
                               suggestion=suggest(str(value.value), target.codes))
        return n.Const(target, value.value)


def _quota_attributes(scope: Scope) -> Phrase:
    return Phrase("language.one_of", choices="quota." + ", quota.".join(sorted(scope.quota)))


def _attribute_name(node: ast.Attribute) -> ast.AST:
    """A stand-in node placed on the attribute's name, for the caret."""
    marker = ast.Name(id=node.attr)
    marker.lineno = node.end_lineno or node.lineno
    marker.col_offset = (node.end_col_offset or node.col_offset) - len(node.attr.encode())
    return marker


def _accepts(param: Type, actual: Type) -> bool:
    if actual == NULL or param.name == "any":
        return True
    if isinstance(param, ListType) and param.item.name == "any":
        return isinstance(actual, ListType)
    if param == NUMBER:
        return is_numeric(actual)
    return param == actual


def _prefixed(prefix: str, name: str | None) -> str | None:
    return f"{prefix}{name}" if name else None


def _describe(node: ast.AST) -> str:
    names: dict[type, str] = {ast.Lambda: "lambda", ast.NamedExpr: ":=",
                              ast.ListComp: "[... for ...]",
                              ast.DictComp: "{...: ... for ...}", ast.Dict: "{...}",
                              ast.Set: "{...}", ast.Starred: "*", ast.JoinedStr: "f-string",
                              ast.Await: "await", ast.Yield: "yield", ast.Slice: "slice"}
    return names.get(type(node), type(node).__name__)


def literal_type(value: Any) -> Type:
    """The language type of a plain YAML value (used for quota values and parameters)."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, dt.date):
        return DATE
    if isinstance(value, str):
        return TEXT
    if isinstance(value, list):
        kinds = {literal_type(item) for item in value}
        return ListType("list", kinds.pop() if len(kinds) == 1 else TEXT)
    raise PhraseError(Phrase("language.unsupported_value", value=repr(value)))
