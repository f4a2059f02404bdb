"""The kind of value of every expression of a compiled statement, where it can be told.

Some DuckDB constructs mean something else in Spark for some operand types only (a cast of a
DOUBLE to BIGINT rounds in DuckDB and truncates in Spark). The Spark writer asks this module
for the operand's kind: it follows the statement as SQL does, from the events table's column
types through each CTE's columns, lambda parameters (the elements of the list a lambda runs
over, the initial value of a fold) and struct fields. A kind that cannot be told is None, and
the writer then refuses the construct rather than guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlglot import exp

from trailsweep.esql.types import FieldSpec


@dataclass(frozen=True)
class Kind:
    """A value kind: `text`, `int`, `float`, `bool`, `time`, `null` (only NULLs), `blob`,
    `interval`, `list` (of `element`) or `struct` (with `fields`)."""

    name: str
    element: Kind | None = None
    fields: tuple[tuple[str, Kind | None], ...] = ()

    def field(self, name: str) -> Kind | None:
        """The kind of a struct field (None: unknown)."""
        return dict(self.fields).get(name)

    def __str__(self) -> str:
        if self.name == "list":
            return f"list of {self.element or 'unknown'}"
        return self.name


TEXT, INT, FLOAT, BOOL, TIME, NULL = (
    Kind(n) for n in ("text", "int", "float", "bool", "time", "null")
)
BLOB, INTERVAL = Kind("blob"), Kind("interval")
_FIELD_KINDS = {"keyword": TEXT, "ip": TEXT, "date": TIME, "long": INT, "double": FLOAT}
_FIELD_KINDS.update({"boolean": BOOL, "null": NULL})

_TYPE_KINDS: dict[exp.DType, Kind] = {
    exp.DataType.Type.TEXT: TEXT,
    exp.DataType.Type.VARCHAR: TEXT,
    exp.DataType.Type.BIGINT: INT,
    exp.DataType.Type.INT: INT,
    exp.DataType.Type.UBIGINT: INT,
    exp.DataType.Type.UTINYINT: INT,
    exp.DataType.Type.DOUBLE: FLOAT,
    exp.DataType.Type.FLOAT: FLOAT,
    exp.DataType.Type.BOOLEAN: BOOL,
    exp.DataType.Type.TIMESTAMP: TIME,
    exp.DataType.Type.TIMESTAMPNTZ: TIME,
}


def list_of(kind: Kind | None) -> Kind:
    """A list of values of that kind."""
    return Kind("list", element=kind)


def type_kind(data_type: exp.DataType) -> Kind | None:
    """The kind of values of a DuckDB type (None: a type the compiler does not write)."""
    if data_type.this == exp.DataType.Type.ARRAY:
        inner = data_type.expressions[0] if data_type.expressions else None
        return list_of(type_kind(inner) if isinstance(inner, exp.DataType) else None)
    return _TYPE_KINDS.get(data_type.this)


def field_kind(spec: FieldSpec) -> Kind:
    """The kind of an events table column."""
    kind = _FIELD_KINDS[spec.type]
    return list_of(kind) if spec.multivalued else kind


_TEXT_NODES = (
    exp.Lower,
    exp.Upper,
    exp.Substring,
    exp.Left,
    exp.TimeToStr,
    exp.ArrayToString,
)
_INT_NODES = (exp.Length, exp.StrPosition, exp.ArraySize, exp.Count, exp.UnixMillis)
_BOOL_NODES = (
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.And,
    exp.Or,
    exp.Not,
    exp.Is,
    exp.In,
    exp.Between,
    exp.Like,
    exp.Escape,
    exp.RegexpLike,
    exp.StartsWith,
    exp.EndsWith,
)
_SAME_AS_OPERAND = (exp.Neg, exp.Sum, exp.Min, exp.Max, exp.Paren, exp.Nullif, exp.Filter)
_SAME_LIST = (exp.ArraySort, exp.ArrayDistinct)
_ELEMENT_OF_OPERAND = (exp.ArrayMin, exp.ArrayMax, exp.ArraySum, exp.Explode, exp.Flatten)
_ANONYMOUS: dict[str, Kind] = {
    "regexp_full_match": BOOL,
    "contains": BOOL,
    "isfinite": BOOL,
    "list_bool_or": BOOL,
    "bin": TEXT,
    "printf": TEXT,
    "lpad": TEXT,
    "ltrim": TEXT,
    "rtrim": TEXT,
    "replace": TEXT,
    "repeat": TEXT,
    "split_part": TEXT,
    "array_to_string": TEXT,
    "to_base64": TEXT,
    "try": TEXT,
    "decode": TEXT,
    "from_base64": BLOB,
    "encode": BLOB,
    "error": NULL,
    "string_split": list_of(TEXT),
    "range": list_of(INT),
}


class KindInference:
    """Kinds of the nodes of one statement (by node identity), computed once."""

    def __init__(self, statement: exp.Expression, table: str, columns: Mapping[str, Kind]):
        self._kinds: dict[int, Kind | None] = {}
        self._tables: dict[str, dict[str, Kind | None]] = {table: dict(columns)}
        with_ = statement.args.get("with_") or statement.args.get("with")
        for cte in with_.expressions if with_ is not None else []:
            self._tables[cte.alias] = self._select(cte.this)
        self._select(statement)

    def of(self, node: exp.Expression) -> Kind | None:
        """The kind of a node of the statement (None: unknown)."""
        return self._kinds.get(id(node))

    def _select(self, select: exp.Expression) -> dict[str, Kind | None]:
        source = select.args.get("from_") or select.args.get("from")
        table = source.this if source is not None else None
        scope = dict(self._tables.get(table.name, {})) if isinstance(table, exp.Table) else {}
        outputs: dict[str, Kind | None] = {}
        for item in select.expressions:
            kind = self._infer(item, scope)
            outputs[item.alias_or_name] = kind
        for key in ("where", "group", "order"):
            part = select.args.get(key)
            if part is not None:
                self._infer(part, scope)
        return outputs

    def _infer(self, node: exp.Expression, scope: dict[str, Kind | None]) -> Kind | None:
        kind = self._kind(node, scope)
        key = id(node)
        if key in self._kinds and self._kinds[key] != kind:
            kind = None  # one node object in two scopes: known in neither
        self._kinds[key] = kind
        return kind

    def _children(self, node: exp.Expression, scope: dict[str, Kind | None]) -> list[Kind | None]:
        return [
            self._infer(child, scope)
            for child in node.iter_expressions()
            if not isinstance(child, exp.DataType)
        ]

    def _kind(self, node: exp.Expression, scope: dict[str, Kind | None]) -> Kind | None:
        if isinstance(node, exp.Anonymous):
            return self._anonymous(node, scope)
        if isinstance(node, exp.Lambda):
            return self._lambda(node, scope, [])
        kids = self._children(node, scope)
        if isinstance(node, exp.Column):
            return scope.get(node.name) if not node.table else None
        if isinstance(node, exp.Alias):
            return kids[0]
        if isinstance(node, exp.Null):
            return NULL
        if isinstance(node, exp.Boolean):
            return BOOL
        if isinstance(node, exp.Literal):
            return TEXT if node.is_string else INT if node.is_int else FLOAT
        if isinstance(node, exp.Cast | exp.TryCast):
            # A typed NULL holds no value whose kind could matter.
            return NULL if kids and kids[0] == NULL else type_kind(node.to)
        if isinstance(node, _TEXT_NODES):
            return TEXT
        if isinstance(node, _INT_NODES):
            return INT
        if isinstance(node, exp.Div | exp.Avg | exp.Pow):
            return FLOAT
        if isinstance(node, _BOOL_NODES):
            return BOOL
        if isinstance(node, exp.UnixToTime | exp.TimestampTrunc):
            return TIME
        if isinstance(node, exp.Interval):
            return INTERVAL
        if isinstance(node, exp.RegexpExtract):
            group = node.args.get("group")
            if isinstance(group, exp.Array):
                names = tuple((str(name.this), TEXT) for name in group.expressions)
                return Kind("struct", fields=names)
            return TEXT
        if isinstance(node, _SAME_AS_OPERAND):
            return kids[0] if kids else None
        if isinstance(node, _SAME_LIST):
            return kids[0]
        if isinstance(node, _ELEMENT_OF_OPERAND):
            return kids[0].element if kids and kids[0] is not None else None
        if isinstance(node, exp.ArrayAgg):
            return list_of(kids[0])
        if isinstance(node, exp.Array):
            return list_of(_common(kids) if kids else NULL)
        if isinstance(node, exp.Bracket):
            return kids[0].element if kids[0] is not None else None
        if isinstance(node, exp.Struct):
            return Kind("struct", fields=tuple(zip(_struct_names(node), kids, strict=True)))
        if isinstance(node, exp.PropertyEQ):
            return kids[-1]
        if isinstance(node, exp.Dot):
            base = kids[0]
            return base.field(node.expression.name) if base is not None else None
        if isinstance(node, exp.DPipe):
            return _common(kids)
        if isinstance(node, exp.Add | exp.Sub):
            return _arithmetic(kids, allow_time=True)
        if isinstance(node, exp.Mul | exp.Mod | exp.IntDiv | exp.BitwiseAnd):
            return _arithmetic(kids, allow_time=False)
        if isinstance(node, exp.BitwiseLeftShift | exp.BitwiseRightShift):
            return INT if kids[0] == INT else None
        if isinstance(node, exp.Case):
            branches = [branch.args.get("true") for branch in node.args.get("ifs") or []]
            default = node.args.get("default")
            return _common([self.of(b) for b in [*branches, default] if b is not None])
        if isinstance(node, exp.Coalesce):
            return _common(kids)
        return None

    def _anonymous(self, node: exp.Anonymous, scope: dict[str, Kind | None]) -> Kind | None:
        name = node.name.lower()
        args = list(node.expressions)
        if name in ("list_transform", "list_filter") and len(args) == 2:
            values = self._infer(args[0], scope)
            element = values.element if values is not None else None
            body = self._lambda(args[1], scope, [element])
            return list_of(body) if name == "list_transform" else values
        if name == "list_reduce" and len(args) == 3:
            values = self._infer(args[0], scope)
            initial = self._infer(args[2], scope)
            element = values.element if values is not None else None
            self._lambda(args[1], scope, [initial, element])
            return initial
        kids = [self._infer(arg, scope) for arg in args]
        if name == "struct_extract" and len(args) == 2 and kids[0] is not None:
            return kids[0].field(str(args[1].this))
        if name in ("greatest", "least"):
            return _common(kids)
        if name == "list_resize":
            return kids[0]
        return _ANONYMOUS.get(name)

    def _lambda(
        self, node: exp.Expression, scope: dict[str, Kind | None], params: list[Kind | None]
    ) -> Kind | None:
        if not isinstance(node, exp.Lambda):
            return self._infer(node, scope)
        inner = dict(scope)
        names = [param.name for param in node.expressions]
        for index, name in enumerate(names):
            inner[name] = params[index] if index < len(params) else None
        kind = self._infer(node.this, inner)
        self._kinds[id(node)] = kind
        return kind


def _struct_names(node: exp.Struct) -> list[str]:
    return [item.this.name if isinstance(item, exp.PropertyEQ) else "" for item in node.expressions]


def _common(kinds: list[Kind | None]) -> Kind | None:
    """The one kind of several values (NULLs fit any; lists merge by element)."""
    found: Kind = NULL
    for kind in kinds:
        if kind is None:
            return None
        if kind == NULL:
            continue
        if found == NULL:
            found = kind
        elif found != kind:
            if found.name == kind.name == "list":
                element = _common([found.element, kind.element])
                found = list_of(element)
            elif {found, kind} == {INT, FLOAT}:
                found = FLOAT
            else:
                return None
    return found


def _arithmetic(kinds: list[Kind | None], allow_time: bool) -> Kind | None:
    known = [kind for kind in kinds if kind != NULL]
    if any(kind is None for kind in known):
        return None
    if allow_time and TIME in known:
        return TIME if set(known) <= {TIME, INTERVAL} and known.count(TIME) == 1 else None
    if set(known) <= {INT}:
        return INT
    if set(known) <= {INT, FLOAT}:
        return FLOAT
    return None
