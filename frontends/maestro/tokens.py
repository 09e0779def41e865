"""MAESTRO's tokenization (boost `char_separator` on " ,->():\\t;", `//` comments) and reading a file or text."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple, Optional, Union

from diffhw.errors import InputError

#: MAESTRO's token separators (boost char_separator, dropped delimiters).
SEPARATORS = " ,->():\t;"

_TOKEN_RE = re.compile(r"[^ ,\->():\t;\r]+")
_INT_RE = re.compile(r"\+?[0-9]+")
_NAME_RE = re.compile(r"[^ ,\->():\t;\r\n{}]+")
#: A layer name may hold separators inside ('Conv2d-1'): it is read back as written.
_LAYER_NAME_RE = re.compile(r"[^ ,\->():\t;\r\n{}](?:[^\r\n{}]*[^ ,\->():\t;\r\n{}])?")

PathLike = Union[str, os.PathLike]


class Token(NamedTuple):
    text: str
    line: int  # 1-based
    col: int  # 1-based
    neg: bool  # directly preceded by '-' (MAESTRO would drop the sign)


def tokenize(text: str) -> list[Token]:
    """MAESTRO's tokenization of a whole file: tokens with their line, comments removed."""
    out: list[Token] = []
    for lineno, line in enumerate(text.split("\n"), 1):
        for m in _TOKEN_RE.finditer(line):
            tok = m.group()
            if tok.startswith("//"):
                break
            start = m.start()
            out.append(Token(tok, lineno, start + 1, start > 0 and line[start - 1] == "-"))
    return out


def _read_source(text_or_path, file: Optional[str]) -> tuple[Optional[str], str, Optional[InputError]]:
    """(text, file name for messages, error). Accepts text or a path (str/Path)."""
    path: Optional[Path] = None
    if isinstance(text_or_path, os.PathLike):
        path = Path(text_or_path)
    elif isinstance(text_or_path, str):
        s = text_or_path
        if "\n" not in s and s.strip() and len(s) < 4096:
            try:
                if os.path.isfile(s):
                    path = Path(s)
                elif (not any(c in s for c in "{}:;\0") and not s.lstrip().startswith("//")
                      and (s.endswith(".m") or os.sep in s)):
                    path = Path(s)  # looks like a path: report it missing
            except (OSError, ValueError):
                path = None
    else:
        name = file or "<memory>"
        return None, name, InputError(
            file=name, message=f"expected file text or a path, got {type(text_or_path).__name__}",
            fix="pass the file's text or its path",
        )
    if path is None:
        return text_or_path.removeprefix("\ufeff"), file or "<memory>", None
    name = file or str(path)
    try:
        data = path.read_bytes()
    except (OSError, ValueError) as e:
        return None, name, InputError(
            file=name, message=f"cannot read the file ({getattr(e, 'strerror', None) or e})",
            fix="check the path and the file's permissions",
        )
    return data.decode("utf-8-sig", errors="replace"), name, None  # (-sig: a byte-order mark is not text)


def _parse_int(tok: Token) -> Optional[int]:
    if _INT_RE.fullmatch(tok.text) is None:
        return None
    return int(tok.text)
