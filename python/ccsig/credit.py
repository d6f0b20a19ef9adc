"""Credit records from Python: the attribution to give for sources, and the
check of an answer (ccsig/attribution.h, `ccsig cite`, `ccsig verify-credit`).

Records are read by the library from JSON (credit records, `ccsig scan
--annotate` lines, gateway search hits or answers) and come back as dicts of
the documented shape (docs/ccsig-cite.1 "CREDIT RECORDS"); the formats and
the check are the library's, so Python prints what the command prints.

    >>> from ccsig import credit
    >>> recs = credit.records(open("sources.json").read())
    >>> print(credit.cite(open("sources.json").read(), "markdown"))
    >>> credit.verify(answer_text, open("sources.json").read())
    [{'index': 1, 'asks_credit': True, 'cited': True, 'ok': False, 'missing': ['link']}, ...]
"""

from __future__ import annotations

import ctypes
import threading
from ctypes import POINTER, Structure, c_bool, c_char_p, c_int, c_size_t, c_uint, c_void_p

from . import _lib, _records

FORMATS = ("text", "markdown", "html", "card", "json")
MISSING = ("citation", "link", "author", "license", "record")


class CreditError(ValueError):
    """The JSON is not one of the shapes the library reads (message names the
    line and column)."""


class _Check(Structure):
    _fields_ = [("asks_credit", c_bool), ("cited", c_bool), ("missing", c_uint), ("ok", c_bool)]


_bound = False
_bind_lock = threading.Lock()


def _core() -> ctypes.CDLL:
    """The core library with the functions of this module bound once."""
    global _bound
    lib = _lib.core()
    if not _bound:
        with _bind_lock:
            if not _bound:
                P = POINTER
                lib.ccsig_credit_records_read.restype = c_int
                lib.ccsig_credit_records_read.argtypes = [
                    P(_lib.Arena), c_char_p, c_size_t, P(c_void_p), P(c_size_t), P(_lib.Error)]
                lib.ccsig_cite_references.restype = None
                lib.ccsig_cite_references.argtypes = [P(_lib.Buf), c_int, c_void_p, c_size_t]
                lib.ccsig_credit_verify.restype = c_size_t
                lib.ccsig_credit_verify.argtypes = [c_char_p, c_size_t, c_void_p, c_size_t,
                                                    P(_Check)]
                lib.ccsig_credit_answer_json_text.restype = c_int
                lib.ccsig_credit_answer_json_text.argtypes = [
                    P(_lib.Arena), c_char_p, c_size_t, P(_lib.Str), P(_lib.Error)]
                _bound = True
    return lib


class _Read:
    """Records read into an arena (freed on exit)."""

    def __init__(self, text: str | bytes):
        self.data = text.encode() if isinstance(text, str) else bytes(text)
        self.arena = _lib.Arena()
        self.v = c_void_p()
        self.n = c_size_t()

    def __enter__(self) -> "_Read":
        lib = _core()
        lib.ccsig_arena_init(ctypes.byref(self.arena), 0)
        err = _lib.Error()
        st = lib.ccsig_credit_records_read(ctypes.byref(self.arena), self.data, len(self.data),
                                           ctypes.byref(self.v), ctypes.byref(self.n),
                                           ctypes.byref(err))
        if st:
            lib.ccsig_arena_free(ctypes.byref(self.arena))
            raise CreditError(f"{err.line}:{err.column}: {err.message.decode(errors='replace')}")
        return self

    def __exit__(self, *exc) -> None:
        _core().ccsig_arena_free(ctypes.byref(self.arena))

    def write(self, fmt: str) -> str:
        lib = _core()
        buf = _lib.Buf()
        try:
            lib.ccsig_cite_references(ctypes.byref(buf), FORMATS.index(fmt), self.v, self.n.value)
            if buf.failed:
                raise MemoryError("out of memory")
            return ctypes.string_at(buf.data, buf.len).decode() if buf.len else ""
        finally:
            lib.ccsig_buf_free(ctypes.byref(buf))


def records(text: str | bytes) -> list[dict]:
    """The credit records one JSON document holds, as dicts."""
    with _Read(text) as r:
        return _records.loads(r.write("json")) if r.n.value else []


def cite(text: str | bytes, fmt: str = "text") -> str:
    """The references of the records in text, in fmt (text, markdown, html,
    card or json): what `ccsig cite --records` prints."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    with _Read(text) as r:
        return r.write(fmt)


def verify(answer: str | bytes, sources: str | bytes, json_answer: bool | None = None) -> list[dict]:
    """Per source of sources (JSON, as records() reads), whether answer credits
    it: what `ccsig verify-credit` checks. A JSON answer (OpenAI replies with
    citation annotations) is read as such when json_answer is True, or when it
    is None and the answer starts with '{' or '['."""
    a = answer.encode() if isinstance(answer, str) else bytes(answer)
    lib = _core()
    with _Read(sources) as r:
        if json_answer or (json_answer is None and a.lstrip()[:1] in (b"{", b"[")):
            s, err = _lib.Str(), _lib.Error()
            if lib.ccsig_credit_answer_json_text(ctypes.byref(r.arena), a, len(a), ctypes.byref(s),
                                                 ctypes.byref(err)):
                raise CreditError(f"answer {err.line}:{err.column}: "
                                  f"{err.message.decode(errors='replace')}")
            a = s.bytes()
        n = r.n.value
        checks = (_Check * max(n, 1))()
        lib.ccsig_credit_verify(a, len(a), r.v, n, checks)
        return [{"index": i + 1, "asks_credit": c.asks_credit, "cited": c.cited, "ok": c.ok,
                 "missing": [m for k, m in enumerate(MISSING) if c.missing & (1 << k)]}
                for i, c in enumerate(checks[:n])]
