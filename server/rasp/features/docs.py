"""Doc comments: the `#` lines right above a definition, in the document or in another file
(the library, a loaded file), read with one line index per text and one read per file
version. Same result as `rasp.text.comment_above`, without rebuilding the index per call.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from pathlib import Path

from rasp.text import LineIndex

_INDEXES: OrderedDict[int, tuple[str, LineIndex]] = OrderedDict()
_INDEX_CACHE_SIZE = 8


def line_index(text: str) -> LineIndex:
    """The line index of `text`, memoised for the few texts in use."""
    found = _INDEXES.get(id(text))
    if found is not None and found[0] is text:
        return found[1]
    index = LineIndex(text)
    _INDEXES[id(text)] = (text, index)
    if len(_INDEXES) > _INDEX_CACHE_SIZE:
        _INDEXES.popitem(last=False)
    return index


def doc_comment(text: str, offset: int) -> str | None:
    """The `#` comment lines directly above the line holding `offset`, without the `#`."""
    lines = line_index(text)
    line, _ = lines.position(offset)
    found: list[str] = []
    for number in range(line - 1, -1, -1):
        stripped = lines.line_text(number).strip()
        if not stripped.startswith("#"):
            break
        found.append(stripped.lstrip("#").strip())
    return " ".join(reversed(found)) or None


@functools.lru_cache(maxsize=32)
def _read(path: str, mtime_ns: int, size: int) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def file_text(path: str | None) -> str | None:
    """The text of a file (None if it cannot be read), re-read only when it changes."""
    if path is None:
        return None
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return _read(path, stat.st_mtime_ns, stat.st_size)


def file_doc_comment(path: str | None, offset: int) -> str | None:
    text = file_text(path)
    return None if text is None else doc_comment(text, offset)
