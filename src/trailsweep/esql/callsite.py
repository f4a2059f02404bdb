"""One function call being compiled: the call node, its compiled arguments and error helpers."""

from __future__ import annotations

from dataclasses import dataclass

from trailsweep.errors import EsqlUnsupportedError
from trailsweep.esql import ast
from trailsweep.esql.context import CompileContext
from trailsweep.esql.diagnostics import EsqlVerificationError
from trailsweep.esql.typed import Typed, ValueType, coerce


@dataclass(frozen=True)
class CallSite:
    """A function call with its arguments already compiled."""

    call: ast.Call
    args: tuple[Typed, ...]
    ctx: CompileContext

    @property
    def name(self) -> str:
        """The function name in upper case, as ES|QL documents it."""
        return self.call.name.upper()

    def span_of(self, index: int) -> ast.Span:
        """The span of one argument (the call's span when there is no such argument)."""
        if index < len(self.call.args):
            return self.call.args[index].span
        return self.call.span

    def invalid(self, message: str, index: int | None = None) -> EsqlVerificationError:
        """The call (or one argument) is something ES|QL rejects."""
        span = self.call.span if index is None else self.span_of(index)
        return self.ctx.invalid(span, f"{self.name}: {message}")

    def unsupported(self, message: str, index: int | None = None) -> EsqlUnsupportedError:
        """The call (or one argument) is something trailsweep does not run."""
        span = self.call.span if index is None else self.span_of(index)
        return self.ctx.unsupported(span, f"{self.name}: {message}")

    def arity(self, minimum: int, maximum: int | None = None) -> None:
        """Check the number of arguments."""
        count = len(self.args)
        upper = minimum if maximum is None else maximum
        if count < minimum or (upper >= 0 and count > upper):
            expected = str(minimum) if upper == minimum else f"{minimum} to {upper}"
            if upper < 0:
                expected = f"at least {minimum}"
            raise self.invalid(f"expects {expected} argument(s), got {count}")

    def expect(self, index: int, *types: ValueType) -> Typed:
        """Argument `index`, which must have one of the types (null is always accepted)."""
        value = self.args[index]
        if value.type != "null" and value.type not in types:
            wanted = " or ".join(types)
            raise self.invalid(f"argument {index + 1} must be {wanted}, not {value.type}", index)
        return coerce(value, types[0]) if types else value

    def constant_string(self, index: int) -> str:
        """Argument `index` as a constant string (a literal or a parameter)."""
        value = self.args[index]
        if value.const is None or not isinstance(value.const.value, str):
            raise self.unsupported(f"argument {index + 1} must be a constant string", index)
        return value.const.value
