"""Input errors that name the file, line and layer and say what to change.

Frontends never let bad input escape as a traceback: they return (or raise) `InputError`s, and keep going
with whatever is valid. `str(err)` is the one-line message the CLI prints, e.g.

    mapping.m:14: layer 'conv1': TemporalMap on R must have size == offset == Sz(R) (got 3, 7).
    Fix: write TemporalMap(Sz(R),Sz(R)) R;

(on one line).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable, Iterator, Optional


@dataclass(eq=False)
class InputError(Exception):
    """One problem in an input file.

    Attributes:
      file: the file as the user named it (or "<memory>" for text).
      line: 1-based line number, 0 when the problem is not tied to a line.
      layer: the layer the problem belongs to, if any.
      message: what is wrong.
      fix: a short "what to change".
    """

    file: str = "<memory>"
    line: int = 0
    layer: Optional[str] = None
    message: str = ""
    fix: str = ""

    def __post_init__(self) -> None:
        # Keep `args` meaningful (pickling, logging) although the dataclass owns __init__.
        Exception.__init__(self, self.message)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        parts = [where]
        if self.layer is not None:
            parts.append(f"layer '{self.layer}'")
        parts.append(self.message)
        text = ": ".join(parts)
        if self.fix:
            text += (" " if text.endswith((".", "!", "?")) else ". ") + "Fix: " + self.fix
        return text

    def __repr__(self) -> str:
        return f"InputError({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, InputError):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = Exception.__hash__

    def to_dict(self) -> dict:
        """Plain dict (for JSON reports)."""
        return asdict(self)


class ErrorReport(Exception):
    """Several `InputError`s at once (raised where a function returns a value rather than a list)."""

    def __init__(self, errors: Iterable[InputError]):
        self.errors: list[InputError] = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

    def __str__(self) -> str:
        n = len(self.errors)
        head = f"{n} input error{'s' if n != 1 else ''}"
        return head + (":\n" + "\n".join(str(e) for e in self.errors) if n else "")

    def __iter__(self) -> Iterator[InputError]:
        return iter(self.errors)

    def __len__(self) -> int:
        return len(self.errors)


def raise_if_any(errors: Iterable[InputError]) -> None:
    """Raise the single error, or an `ErrorReport` of all of them; do nothing for none."""
    errors = list(errors)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorReport(errors)
