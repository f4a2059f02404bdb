"""A reference evaluator for trailsweep's ES|QL subset: a plain interpreter over the syntax tree.

It runs a parsed query row at a time in Python, following esql-semantics.md literally
(three-valued logic, multivalued values as lists, IN's decision tree, STATS groups...), and
never builds SQL. Its purpose is to be obviously correct so the SQL compiler can be checked
against it (tests/esql/test_reference_properties.py); it is not meant to be fast.

Where ES|QL leaves a choice open (order of ties, of VALUES, which rows an unsorted LIMIT keeps,
MV_FIRST on unordered lists) it makes the same choice as the compiler, and says so.
"""

from __future__ import annotations

from trailsweep.esql.reference.evaluator import DEFAULT_LIMIT, MAX_LIMIT, Result, evaluate, run
from trailsweep.esql.reference.values import Ip

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "Ip", "Result", "evaluate", "run"]
