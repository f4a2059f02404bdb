"""Predicates a reader may apply before building rows: what every result row's source satisfied.

A conjunct of a WHERE is pushable when nothing before it can change the rows it sees: the
commands before it only add or replace columns (EVAL, DISSECT, GROK) or filter (WHERE), and the
conjunct reads no column they made. A reader that drops records failing a pushable conjunct
changes no result; the query still runs its own WHERE afterwards, so a reader may apply a
*weaker* test than the conjunct (accept more), never a stronger one.
"""

from __future__ import annotations

from trailsweep.esql.ast import BinaryOp, Dissect, Eval, Expr, FieldRef, Grok, Where, walk
from trailsweep.esql.fields import dissect_keys, grok_keys
from trailsweep.esql.query import Query


def conjuncts(expr: Expr) -> list[Expr]:
    """The operands of a chain of ANDs (the expression itself when it is no AND)."""
    if isinstance(expr, BinaryOp) and expr.op.lower() == "and":
        return conjuncts(expr.left) + conjuncts(expr.right)
    return [expr]


def pushable_predicates(query: Query) -> tuple[Expr, ...]:
    """WHERE conjuncts over source fields only, from the filters the query applies first."""
    made: set[str] = set()
    found: list[Expr] = []
    for command in query.commands:
        if isinstance(command, Where):
            for conjunct in conjuncts(command.condition):
                names = {node.name for node in walk(conjunct) if isinstance(node, FieldRef)}
                if not names & made:
                    found.append(conjunct)
        elif isinstance(command, Eval):
            made.update(assignment.name for assignment in command.assignments)
        elif isinstance(command, Dissect):
            made.update(dissect_keys(command.pattern))
        elif isinstance(command, Grok):
            for pattern in command.patterns:
                made.update(grok_keys(pattern))
        else:
            # KEEP, DROP, RENAME, STATS, SORT, LIMIT, MV_EXPAND ...: rows or names change.
            break
    return tuple(found)
