"""ccsig: AI usage preferences (aipref Content-Usage, CC signals, robots.txt,
TDMRep, RSL, X-Robots-Tag noai, embedded XMP/C2PA) for Python, over the
installed C library libccsig.so.0.

Everything is computed by the library: this package passes your bytes to it
and turns its answers into dicts shaped exactly as the ``ccsig`` command's
JSON output (``ccsig explain --json``, ``ccsig check --json``,
``ccsig scan --annotate``), so a record from Python and a line from the
command compare equal.

Entry points:

* :func:`explain` -- what content usage expressions say (``ccsig explain``).
* :func:`evaluate` / :class:`Evaluator` -- one asset (URL, robots.txt
  answer, response headers and body, or a captured HTTP response) to its
  sources, verdict and decision (``ccsig check --response``).
* :class:`Robots` -- a compiled robots.txt: ``allowed(url, agent)`` and the
  preferences that apply to a URL.
* :class:`Checker` -- live checking over HTTP(S) (the libccsig-fetch
  component, ``ccsig check URL``).
* :func:`scan` -- WARC archives to annotation records (dicts) with the
  library's worker threads, and the credit manifest.
* :class:`Filter` -- a keep/drop callable over crawl records for dataset
  pipelines.

Threads and the GIL: the package calls the library through :mod:`ctypes`,
which releases the GIL for the whole of every library call; the scan
session writes its annotation into a pipe from its own thread, without
the GIL (its damage and archive-error callbacks take it). Objects are safe
to share between threads unless a docstring says otherwise (per-thread
scratch state is kept in thread-local storage).

The library is found as ``libccsig.so.0`` through the dynamic loader's
normal search (``ldconfig``, ``LD_LIBRARY_PATH``), or at the path (file, or
directory holding it) in the environment variable ``CCSIG_LIBRARY``.
"""

from __future__ import annotations

import ctypes
import os
import _thread

# collections.abc.Mapping, from the module collections.abc re-exports and
# the interpreter has loaded at start: importing collections.abc (or
# threading) costs `import ccsig` about 12 M instructions of start-up.
from _collections_abc import Mapping
from ctypes import byref, c_char_p, c_int, c_size_t, c_uint, c_void_p

from . import _lib, _records
from ._lib import LibraryNotFound

# The annotations are strings (from __future__ import annotations), so the
# typing module is needed by type checkers only: importing it costs a
# program that imports ccsig about 30 ms of CPU at start-up, more than a
# thousand records of a scan.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, Iterator, Sequence, Union

    PathLike = Union[str, "os.PathLike[str]"]
    Headers = Union[Mapping[str, str], Sequence[tuple]]

__version__ = "0.1.0"

__all__ = [
    "ArchiveError",
    "Checker",
    "Error",
    "Evaluator",
    "Filter",
    "LibraryNotFound",
    "NoMemoryError",
    "ParseError",
    "Robots",
    "Scan",
    "UsageError",
    "evaluate",
    "explain",
    "library_version",
    "scan",
]

Record = dict  # one JSON object of the command's output, as a dict


def __getattr__(name: str) -> Any:
    # ccsig.PathLike and ccsig.Headers, the aliases of the annotations, made
    # (with typing) when asked for rather than at every import.
    if name in ("PathLike", "Headers"):
        from typing import Mapping, Sequence, Union

        alias = Union[str, "os.PathLike[str]"] if name == "PathLike" else Union[Mapping[str, str], Sequence[tuple]]
        globals()[name] = alias
        return alias
    raise AttributeError(f"module 'ccsig' has no attribute {name!r}")

# ---- errors ---------------------------------------------------------------

_STATUS = ["ok", "syntax", "range", "limit", "nomem", "io", "usage", "unsupported", "signature"]


class Error(Exception):
    """A failure reported by libccsig (a ccsig_error).

    Attributes: ``status`` (the library's status name: "syntax", "range",
    "limit", "nomem", "io", "usage", "unsupported", "signature"), ``file`` (the input
    that failed: a path, URL or "expression N"; may be None), ``offset``
    (byte offset into that input), ``line`` and ``column`` (1-based; 0 when
    the input has no lines) and ``message`` (the library's words).
    ``str(e)`` reads ``file:line:column: message`` like a compiler's.
    """

    def __init__(
        self,
        message: str,
        *,
        status: str = "usage",
        file: str | None = None,
        offset: int = 0,
        line: int = 0,
        column: int = 0,
    ) -> None:
        self.message = message
        self.status = status
        self.file = file
        self.offset = offset
        self.line = line
        self.column = column
        where = file or ""
        if file and line:
            where += f":{line}:{column}"
        elif file and offset:
            where += f": byte {offset}"
        super().__init__(f"{where}: {message}" if where else message)


class ParseError(Error, ValueError):
    """Input that does not follow its grammar (status syntax, range, limit)."""


class UsageError(Error, ValueError):
    """An invalid argument (unknown use category, bad option)."""


class ArchiveError(Error, OSError):
    """An archive or file could not be read (status io)."""


class NoMemoryError(Error, MemoryError):
    """The library ran out of memory."""


def _raise(err: _lib.Error, file: str | None = None) -> None:
    status = _STATUS[err.code] if 0 <= err.code < len(_STATUS) else "unknown"
    cls = {
        "syntax": ParseError,
        "range": ParseError,
        "limit": ParseError,
        "usage": UsageError,
        "io": ArchiveError,
        "nomem": NoMemoryError,
    }.get(status, Error)
    raise cls(
        err.message.decode("utf-8", "replace"),
        status=status,
        file=file,
        offset=err.offset,
        line=err.line,
        column=err.column,
    )


# ---- helpers --------------------------------------------------------------


def _b(s: str | bytes | os.PathLike | None) -> bytes | None:
    if s is None:
        return None
    if isinstance(s, bytes):
        return s
    return os.fsencode(s) if isinstance(s, os.PathLike) else s.encode("utf-8")


def _cstr(p: bytes | None) -> str:
    return p.decode("utf-8", "replace") if p else ""


class _Buf:
    """A ccsig_buf the library appends to; text() copies it out."""

    __slots__ = ("b",)

    def __init__(self) -> None:
        self.b = _lib.Buf()

    def text(self) -> str:
        if self.b.failed:
            raise NoMemoryError("out of memory", status="nomem")
        return ctypes.string_at(self.b.data, self.b.len).decode("utf-8", "replace") if self.b.len else ""

    def clear(self) -> None:
        self.b.len = 0

    def __del__(self) -> None:
        try:
            _lib.core().ccsig_buf_free(byref(self.b))
        except Exception:  # interpreter shutdown
            pass


def _source(p: _lib.Provenance) -> dict:
    b = _Buf()
    _lib.core().ccsig_report_write_source(byref(b.b), byref(p))
    return _records.loads(b.text())


def _profile(use: str | None, commit: str | Iterable[str] | None, purpose: str | None) -> _lib.Profile:
    """A ccsig_profile from names, parsed by the library's vocabulary."""
    lib = _lib.core()
    prof = _lib.Profile(-1, 0, 0)
    if use is not None:
        u = c_int()
        ub = _b(use)
        if not lib.ccsig_category_parse(ub, len(ub), byref(u)):
            raise UsageError(f"'{use}' is not a use category (train-ai, train-genai, ai-use, search, automated-processing)")
        prof.use = u.value
    if commit:
        text = commit if isinstance(commit, str) else ",".join(commit)
        tb = _b(text)
        mask, bad = c_uint(), c_size_t()
        if not lib.ccsig_conditions_parse(tb, len(tb), byref(mask), byref(bad)):
            raise UsageError(f"'{text}' is not a list of commitments", offset=bad.value, file="commit")
        prof.commitments = mask.value
    if purpose is not None:
        p = c_int()
        pb = _b(purpose)
        if not lib.ccsig_purpose_parse(pb, len(pb), byref(p)):
            raise UsageError(f"'{purpose}' is not a public-interest purpose")
        prof.purpose = p.value
    return prof


def library_version() -> str:
    """The version of the libccsig.so.0 in use ("0.1.0")."""
    return _cstr(_lib.core().ccsig_version())


# ---- explain --------------------------------------------------------------


def explain(
    *expressions: str,
    use: str | None = None,
    commit: str | Iterable[str] | None = None,
    purpose: str | None = None,
    strict: bool = False,
) -> Record:
    """What content usage expressions say, combined (``ccsig explain --json``).

    Several expressions are several statements about one asset, combined by
    the aipref most-restrictive rule. Returns the command's JSON object as a
    dict: ``valid``, ``error`` (``{"message", "offset", "expression"}`` of the
    first invalid expression, or None), ``categories``, ``warnings``,
    ``decision`` (None unless ``use`` is given). An invalid expression is an
    answer (every category unknown for it), not an exception -- unless
    ``strict`` is true: then :class:`ParseError` is raised for the first
    invalid one, with ``file`` "expression N", ``offset`` and ``column``.

    >>> explain("train-ai=n;exceptions=cc-cr", use="train-ai", commit="credit")["decision"]["result"]
    'permitted-with-obligations'
    """
    if not expressions:
        raise UsageError("no expression given")
    lib = _lib.core()
    prof = _profile(use, commit, purpose)
    n = len(expressions)
    sts = (_lib.Statement * n)()
    ws = (_lib.Warnings * n)()
    errs = (_lib.Error * n)()
    keep = [_b(e) for e in expressions]
    arena = _lib.Arena()
    lib.ccsig_arena_init(byref(arena), 0)
    try:
        first_invalid = -1
        for i, e in enumerate(keep):
            lib.ccsig_statement_init(byref(sts[i]), 0)  # CCSIG_SRC_EXPRESSION
            sts[i].src.line = i + 1
            sts[i].src.text = _lib.make_str(e)
            if lib.ccsig_pref_parse(byref(arena), e, len(e), byref(sts[i]), byref(ws[i]), byref(errs[i])) and first_invalid < 0:
                first_invalid = i
        verdict, decision = _lib.Verdict(), _lib.Decision()
        lib.ccsig_combine(sts, n, byref(verdict))
        lib.ccsig_decide(byref(verdict), byref(prof), byref(decision))
        if strict and first_invalid >= 0:
            err = errs[first_invalid]
            if not err.line:
                err.line, err.column = 1, err.offset + 1
            _raise(err, f"expression {first_invalid + 1}")
        msg = ctypes.create_string_buffer(512)
        warnings = []
        for i in range(n):
            for k in range(ws[i].n):
                lib.ccsig_warning_message(byref(ws[i].v[k]), msg, 512)
                text = _cstr(msg.value)
                warnings.append(f"expression {i + 1}: {text}" if n > 1 else text)
        error = None
        if first_invalid >= 0:
            e = errs[first_invalid]
            error = {"message": _cstr(e.message), "offset": e.offset, "expression": first_invalid + 1}
        b = _Buf()
        lib.ccsig_report_write_categories(byref(b.b), byref(verdict))
        categories = _records.loads(b.text())
        b.clear()
        lib.ccsig_report_write_decision(byref(b.b), byref(decision))
        return {
            "valid": first_invalid < 0,
            "error": error,
            "categories": categories,
            "warnings": warnings,
            "decision": _records.loads(b.text()),
        }
    finally:
        lib.ccsig_arena_free(byref(arena))


# ---- robots.txt -----------------------------------------------------------


class Robots:
    """A compiled robots.txt (RFC 9309 with Content-Usage, Content-Signal
    and RSL License lines).

    ``Robots(text, origin)`` compiles the bytes once; queries are cheap and
    thread-safe (each thread keeps its own answer buffer). ``origin`` names
    the file in provenance (the ``origin`` of the sources). Every byte
    sequence is a robots.txt, so compiling fails only when memory runs out.
    """

    def __init__(self, text: bytes | str, origin: str | None = None) -> None:
        lib = _lib.core()
        self._text = _b(text) or b""
        self._origin = _b(origin)
        self.origin = origin
        h = c_void_p()
        err = _lib.Error()
        if lib.ccsig_robots_compile(self._text, len(self._text), self._origin, byref(h), byref(err)):
            _raise(err, origin)
        self._h = h
        self._agents: dict[str, tuple[_lib.RobotsAgent, bytes]] = {}
        self._local = _thread._local()

    @classmethod
    def from_file(cls, path: PathLike) -> "Robots":
        """Compile the robots.txt at path (named by the path in provenance)."""
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise ArchiveError(f"cannot read robots.txt: {e.strerror}", status="io", file=os.fspath(path)) from e
        return cls(data, os.fspath(path))

    def __del__(self) -> None:
        h = getattr(self, "_h", None)
        if h:
            _lib.core().ccsig_robots_free(h)
            self._h = None

    @property
    def info(self) -> dict:
        """What the file holds: size, lines, groups, rules, truncation."""
        i = _lib.core().ccsig_robots_get_info(self._h).contents
        return {name: getattr(i, name) for name, _ in _lib.RobotsInfo._fields_}

    def _agent(self, agent: str) -> _lib.RobotsAgent:
        a = self._agents.get(agent)
        if a is None:
            ab = _b(agent)
            a = _lib.core().ccsig_robots_select(self._h, ab, len(ab))
            self._agents[agent] = a
        return a

    def _answer(self) -> _lib.RobotsAnswer:
        a = getattr(self._local, "answer", None)
        if a is None:
            p = _lib.core().ccsig_robots_answer_new()
            if not p:
                raise NoMemoryError("out of memory", status="nomem")
            a = self._local.answer = _AnswerHolder(p)
        return a.p.contents

    def allowed(self, url: str, agent: str = "*") -> bool:
        """May ``url`` (a URL or a path) be crawled by ``agent`` (a product
        token or user-agent string)?"""
        ub = _b(url)
        return bool(_lib.core().ccsig_robots_allowed(self._h, self._agent(agent), ub, len(ub), None))

    def query(self, url: str, agent: str = "*") -> _lib.RobotsAnswer:
        """The library's answer structure for url (valid until this thread's
        next query on this matcher). Most callers want :meth:`preferences`."""
        ub = _b(url)
        a = self._answer()
        _lib.core().ccsig_robots_query(self._h, self._agent(agent), ub, len(ub), byref(a))
        return a

    def preferences(
        self,
        url: str,
        agent: str = "*",
        *,
        use: str | None = None,
        commit: str | Iterable[str] | None = None,
        purpose: str | None = None,
    ) -> Record:
        """What the robots.txt says about url for agent: the
        ``ccsig check --robots FILE --json URL`` record (``crawl``,
        ``crawl_rule``, ``categories``, ``decision``, ``sources``,
        ``licenses``, ...), computed by the same library path."""
        return evaluate(url, robots=self, agent=agent, use=use, commit=commit, purpose=purpose)


class _AnswerHolder:
    __slots__ = ("p",)

    def __init__(self, p) -> None:
        self.p = p

    def __del__(self) -> None:
        try:
            _lib.core().ccsig_robots_answer_free(self.p)
        except Exception:
            pass


# ---- evaluate -------------------------------------------------------------


def _fields(headers: Headers | None) -> list[tuple[bytes, bytes]]:
    if headers is None:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    out = []
    for name, value in items:
        out.append((_b(name).strip(b" \t"), _b(value).strip(b" \t")))
    return out


class Evaluator:
    """Evaluates assets one after the other with the same profile, reusing
    the library's result, arena and message buffers (nothing is allocated
    per asset in the steady state). One Evaluator per thread; see
    :func:`evaluate` for the arguments and the record."""

    def __init__(
        self,
        *,
        agent: str = "*",
        use: str | None = None,
        commit: str | Iterable[str] | None = None,
        purpose: str | None = None,
        robots: Robots | None = None,
    ) -> None:
        lib = _lib.core()
        self.agent = agent or "*"
        self.robots = robots
        self._prof = _profile(use, commit, purpose)
        self._agent_b = _b(self.agent)
        tok = lib.ccsig_robots_agent_token(self._agent_b, len(self._agent_b))
        self._token = tok if tok.bytes() != b"*" else _lib.Str(None, 0)
        self._arena = _lib.Arena()
        lib.ccsig_arena_init(byref(self._arena), 0)
        self._res = _lib.EvalResult()
        self._msg = _lib.HttpMsg()
        self._buf = _Buf()
        self._lib = lib

    def __del__(self) -> None:
        try:
            self._lib.ccsig_arena_free(byref(self._arena))
        except Exception:
            pass

    def evaluate(
        self,
        url: str | None = None,
        *,
        response: bytes | None = None,
        headers: Headers | None = None,
        body: bytes | None = None,
        status: int | None = None,
        name: str | None = None,
        robots: Robots | None = None,
    ) -> Record:
        """See :func:`evaluate` (profile, agent and default robots from the
        Evaluator)."""
        lib = self._lib
        robots = robots if robots is not None else self.robots
        if response is not None and (headers is not None or body is not None):
            raise UsageError("response and headers/body both give the response: use one")
        if response is not None and robots is not None and url is None:
            raise UsageError("a response evaluated with a robots.txt needs the response's URL")
        rname = name if name is not None else "response"
        url_s = url if url is not None else (rname if response is not None else "")
        url_b = _b(url_s)
        lib.ccsig_arena_reset(byref(self._arena))
        rb = _lib.EvalRobots(0, 0, None, None, 0)
        answer = None
        rule = _lib.Provenance()
        if robots is not None:
            answer = robots.query(url_s, self.agent)
            rb.known = 1  # CCSIG_ROBOTS_FOUND
            rb.crawl = 1 if answer.allowed else 2
            if answer.rule.line:
                rule.kind, rule.line = 1, answer.rule.line
                rule.origin = _lib.make_str(robots._origin)
                rule.text = answer.rule.text
                rb.rule = ctypes.pointer(rule)
            rb.sts = answer.st
            rb.n = answer.nst
        inp = _lib.EvalInput()
        inp.url = _lib.make_str(url_b)
        inp.agent = self._token
        inp.profile = ctypes.pointer(self._prof)
        inp.robots = ctypes.pointer(rb)
        inp.status = -1 if status is None else status
        keep: list = [url_b]
        res = self._res
        if response is not None:
            err = _lib.Error()
            if lib.ccsig_evaluate_response(response, len(response), byref(inp), byref(self._arena), byref(self._msg), byref(res), byref(err)):
                _raise(err, rname)
        else:
            flds = _fields(headers)
            arr = (_lib.HttpField * max(1, len(flds)))()
            for i, (n_, v_) in enumerate(flds):
                arr[i].name = _lib.make_str(n_)
                arr[i].value = _lib.make_str(v_)
            keep += [x for f in flds for x in f]
            inp.response = bool(flds) or body is not None
            inp.fields = arr
            inp.nfields = len(flds)
            if body:
                inp.body = ctypes.cast(c_char_p(body), c_void_p)
                inp.body_len = len(body)
            if lib.ccsig_evaluate(byref(inp), byref(self._arena), byref(res)):
                # CCSIG_ERR_NOMEM (the arena failed: the verdict is no answer)
                raise NoMemoryError("out of memory evaluating the asset", status="nomem", file=url_s or None)
        # the record: ccsig check --json's shape (docs/ccsig-check.1)
        b = self._buf
        b.clear()
        crawl = "unknown" if answer is None else ("allowed" if answer.allowed else "disallowed")
        crule = None
        if answer is not None and answer.rule.line:
            crule = _lib.Provenance(1, answer.rule.line, _lib.Str(None, 0), answer.rule.text)
        lib.ccsig_report_write_record_head(
            byref(b.b), _lib.make_str(url_b), _lib.make_str(self._agent_b), crawl.encode(),
            byref(crule) if crule is not None else None, byref(res.verdict), byref(res.decision),
            res.c.sts, res.c.n,
        )
        rec = _records.loads(b.text() + "}")
        rec["licenses"] = []
        if answer is not None:
            rec["licenses"] = [
                {"line": answer.licenses[i].line, "url": answer.licenses[i].url.text()}
                for i in range(answer.nlicenses)
            ]
        rec.update(_links_notes(res.c))
        rec["robots"] = None
        rec["asset"] = None
        if response is not None:
            ct = None
            k = lib.ccsig_http_find(byref(self._msg), b"Content-Type", 0)
            if k < self._msg.nfields:
                ct = self._msg.fields[k].value.text()[:127] or None
            rec["asset"] = {
                "url": rname,
                "status": res.status if res.status > 0 else None,
                "content_type": ct,
                "bytes_read": len(response),
                "ranges": False,
            }
        rec["error"] = None
        return rec


def _links_notes(c: _lib.Collect) -> dict:
    lib = _lib.core()
    links = []
    for i in range(c.nlinks):
        l = c.links[i]
        links.append({
            "kind": _cstr(lib.ccsig_link_kind_name(l.kind)),
            "url": l.url.text(),
            "type": l.type.text() or None,
            "source": _source(l.src),
        })
    notes = [{"message": c.notes[i].message.text(), "source": _source(c.notes[i].src)} for i in range(c.nnotes)]
    return {"links": links, "notes": notes}


_eval_local = _thread._local()


def evaluate(
    url: str | None = None,
    *,
    response: bytes | None = None,
    headers: Headers | None = None,
    body: bytes | None = None,
    status: int | None = None,
    name: str | None = None,
    robots: Robots | None = None,
    agent: str = "*",
    use: str | None = None,
    commit: str | Iterable[str] | None = None,
    purpose: str | None = None,
) -> Record:
    """Evaluate one asset as ``ccsig check --json`` does and return its
    record.

    What is known about the asset:

    * ``url`` -- its URL (or path); robots.txt, TDMRep and RSL match it.
    * ``response`` -- a captured HTTP response (status line, header fields
      and body: a WARC response record's block), evaluated exactly as
      ``ccsig scan`` evaluates that record (``ccsig check --response``);
      ``name`` names it in the record's ``asset`` (default "response").
    * or ``headers`` (a mapping or (name, value) pairs) and ``body`` (bytes,
      a prefix is enough: an HTML head, an image's metadata blocks) and
      ``status``.
    * ``robots`` -- the compiled robots.txt of the site (:class:`Robots`).

    Who asks: ``agent`` (product token or user-agent string, default "*"),
    and for a decision ``use`` (a category: train-ai, train-genai, ai-use,
    search, automated-processing), ``commit`` (credit, direct-contribution,
    ecosystem-contribution, open) and ``purpose``.

    The record: ``url``, ``agent``, ``crawl`` ("allowed", "disallowed",
    "unknown"), ``crawl_rule``, ``categories``, ``decision``, ``sources``,
    ``licenses``, ``links``, ``notes``, ``robots``, ``asset``, ``error``
    (docs/ccsig-check.1, "JSON OUTPUT").

    Raises :class:`NoMemoryError` when the library runs out of memory while
    evaluating (its CCSIG_ERR_NOMEM: a reader may have dropped a statement,
    so there is no verdict to return), :class:`UsageError` for bad
    arguments.

    For many assets, make one :class:`Evaluator` per thread instead (this
    function keeps one per thread and profile).
    """
    key = (agent, use, commit if isinstance(commit, (str, type(None))) else tuple(commit), purpose)
    cache = getattr(_eval_local, "cache", None)
    if cache is None:
        cache = _eval_local.cache = {}
    ev = cache.get(key)
    if ev is None:
        if len(cache) > 16:
            cache.clear()
        ev = cache[key] = Evaluator(agent=agent, use=use, commit=commit, purpose=purpose)
    return ev.evaluate(url, response=response, headers=headers, body=body, status=status, name=name, robots=robots)


# ---- live checking (libccsig-fetch) --------------------------------------


class Checker:
    """Checks URLs live over HTTP(S), as ``ccsig check URL`` does: the
    robots.txt of each origin (fetched and cached per RFC 9309), the asset's
    headers and the start of its body (read only as far as needed),
    /.well-known/tdmrep.json and RSL documents, then the same evaluation as
    :func:`evaluate`. Needs the component libccsig-fetch.so.0.

    A Checker is shared by threads: :meth:`check` may be called from
    several at once (requests to different hosts run in parallel; one host
    is asked politely, one request at a time, ``delay`` seconds apart). The
    GIL is released while a URL is checked.

    ``agent`` is the product token or user-agent string whose robots.txt
    groups and signals apply (default "ccsig"); ``user_agent`` the
    User-Agent sent (default "AGENT (ccsig/VERSION)" when an agent is
    given, else "ccsig/VERSION"); ``delay`` seconds between requests to one
    host (default 1); ``timeout`` seconds per request; ``cache_dir`` keeps
    robots.txt files between runs; ``ca_file`` trusts extra CA certificates.
    """

    def __init__(
        self,
        agent: str | None = None,
        *,
        use: str | None = None,
        commit: str | Iterable[str] | None = None,
        purpose: str | None = None,
        user_agent: str | None = None,
        delay: float | None = None,
        timeout: float | None = None,
        cache_dir: PathLike | None = None,
        ca_file: PathLike | None = None,
    ) -> None:
        flib = _lib.fetch()
        self.agent = agent if agent is not None else "ccsig"
        if not self.agent:
            raise UsageError("the agent is empty")
        if user_agent is None and agent is not None:
            user_agent = f"{agent} (ccsig/{library_version()})"
        o = _lib.CheckOpts()
        flib.ccsig_fetch_opts_default(byref(o.fetch))
        self._keep = [_b(self.agent), _b(user_agent), _b(cache_dir), _b(ca_file)]
        o.agent = self._keep[0]
        o.profile = _profile(use, commit, purpose)
        if user_agent is not None:
            o.fetch.user_agent = self._keep[1]
        if delay is not None:
            o.fetch.delay = float(delay)
        if timeout is not None:
            if not timeout > 0:
                raise UsageError("the timeout must be more than 0 seconds")
            o.fetch.timeout_ms = int(timeout * 1000)
            o.fetch.connect_timeout_ms = min(o.fetch.connect_timeout_ms, o.fetch.timeout_ms)
        if cache_dir is not None:
            o.fetch.cache_dir = self._keep[2]
        if ca_file is not None:
            o.fetch.ca_file = self._keep[3]
        self._opts = o
        h = c_void_p()
        err = _lib.Error()
        if flib.ccsig_checker_new(byref(o), byref(h), byref(err)):
            _raise(err)
        self._h = h
        self._flib = flib
        self._local = _thread._local()
        self._workers: list = []
        self._wlock = _thread.allocate_lock()

    def close(self) -> None:
        """Free the checker (also done when it is garbage-collected)."""
        if getattr(self, "_h", None):
            for w in self._workers:
                self._flib.ccsig_url_check_free(w)
            self._workers = []
            self._flib.ccsig_checker_free(self._h)
            self._h = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self) -> "Checker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check(self, url: str) -> Record:
        """Check one URL; returns the ``ccsig check --json`` record. A URL
        that is not absolute http(s) or whose asset could not be fetched is
        still a record: its ``error`` says why (the rest was evaluated)."""
        if not self._h:
            raise UsageError("the checker is closed")
        w = getattr(self._local, "w", None)
        if w is None:
            w = self._flib.ccsig_url_check_new()
            if not w:
                raise NoMemoryError("out of memory", status="nomem")
            with self._wlock:
                self._workers.append(w)
            self._local.w = w
        out = ctypes.POINTER(_lib.UrlResult)()
        ub = _b(url)
        st = self._flib.ccsig_fetch_evaluate_url(self._h, w, ub, byref(out))
        if st == 4 or not out:
            raise NoMemoryError("out of memory", status="nomem", file=url)
        return self._record(url, out.contents)

    def _record(self, url: str, res: _lib.UrlResult) -> Record:
        lib = _lib.core()
        if res.known == 1:
            crawl = "allowed" if res.crawl == 1 else "disallowed"
        elif res.known == 2:
            crawl = "allowed"
        elif res.known == 3:
            crawl = "disallowed"
        else:
            crawl = "unknown"
        if not res.ev:
            raise NoMemoryError("out of memory", status="nomem", file=url)
        ev = res.ev.contents
        b = _Buf()
        ub, ab = _b(url), self._keep[0]
        lib.ccsig_report_write_record_head(
            byref(b.b), _lib.make_str(ub), _lib.make_str(ab), crawl.encode(), res.rule,
            byref(ev.verdict), byref(ev.decision), ev.c.sts, ev.c.n,
        )
        rec = _records.loads(b.text() + "}")
        rec["licenses"] = [
            {"line": res.licenses[i].line, "url": res.licenses[i].url.text()} for i in range(res.nlicenses)
        ]
        rec.update(_links_notes(ev.c))
        robots = None
        if res.robots_fetched:
            r = res.robots
            robots = {
                "url": _cstr(r.url),
                "state": _cstr(lib.ccsig_robots_status_name(r.state)),
                "status": r.http_status or None,
                "cached": bool(r.from_cache),
                "stale": bool(r.stale),
                "truncated": bool(r.truncated),
                "error": _cstr(r.error) or None,
            }
        rec["robots"] = robots
        asset = None
        if res.asset_fetched and res.asset_url:
            asset = {
                "url": _cstr(res.asset_url),
                "status": res.asset_status or None,
                "content_type": _cstr(res.content_type) or None,
                "bytes_read": res.asset_bytes,
                "ranges": bool(res.asset_partial),
            }
        rec["asset"] = asset
        rec["error"] = _cstr(res.error) if res.status else None
        return rec


# ---- scan -----------------------------------------------------------------

_CREDIT_FORMATS = {"json": 0, "csv": 1, "md": 2}


class Scan:
    """One scan of WARC archives (made by :func:`scan`): iterate it for the
    annotation records, then ask it for the credit manifest and summary.

    The session runs on a background thread with the library's worker
    threads (the GIL is released while it works); records arrive in input
    order, one dict per response and revisit record, equal to the lines of
    ``ccsig scan --annotate`` parsed as JSON; each record owns all its
    objects (changing one changes no other). Iterate at most once.

    After the iteration: :meth:`credit` (the manifest, as
    ``ccsig scan --credit FILE`` writes it), :meth:`summary` (the
    ``ccsig scan --summary --json`` document), ``damage`` (list of
    ``(archive, offset, what)`` for damaged parts that were skipped) and
    ``errors`` (unreadable archives: ``(archive, what)``). An unreadable
    archive raises :class:`ArchiveError` at the end of the iteration, after
    every record of the others was delivered (``raise_errors=False`` keeps
    them in ``errors`` only).
    """

    _READ = 1 << 20  # the read buffer's size (grown for a longer line)

    def __init__(self, archives, opts: _lib.ScanSessionOptions, store, *, raise_errors: bool, annotate: bool) -> None:
        self._opts = opts
        self._store = store
        self._raise = raise_errors
        self.damage: list[tuple[str, int, str]] = []
        self.errors: list[tuple[str, str]] = []
        self._rfd = self._wfd = -1
        self._started = False
        self._finished = False
        self._running = _thread.allocate_lock()  # held while the session runs
        self._status = 0
        self._err = _lib.Error()
        self._credit_cache: dict[str, str] = {}
        self._summary: str | None = None
        lib = _lib.core()
        self._sink = _lib.ScanSink()
        self._cbs = (
            _lib.DAMAGE_FN(self._on_damage),
            _lib.ARCHIVE_ERROR_FN(self._on_archive_error),
        )
        if annotate:
            # The annotation goes through a pipe, written by the library's
            # own sink function (ccsig_scan_sink_fd) on the session's
            # thread: no Python callback, so the session never waits for
            # the GIL while this thread parses records, and this thread
            # reads with the GIL released.
            self._rfd, self._wfd = os.pipe()
            try:
                import fcntl

                fcntl.fcntl(self._wfd, fcntl.F_SETPIPE_SZ, 1 << 20)
            except (ImportError, AttributeError, OSError):
                pass  # not Linux, or above /proc/sys/fs/pipe-max-size: the default will do
            self._fdbox = c_int(self._wfd)
            self._sink.ctx = ctypes.addressof(self._fdbox)
            self._sink.annotation = _lib.WRITE_FN(ctypes.cast(lib.ccsig_scan_sink_fd, c_void_p).value)
        self._sink.damage = self._cbs[0]
        self._sink.archive_error = self._cbs[1]
        h = c_void_p()
        err = _lib.Error()
        if lib.ccsig_scan_session_new(byref(opts), byref(self._sink), byref(h), byref(err)):
            _raise(err)
        self._h = h
        self._names = []
        for a in archives:
            if hasattr(a, "fileno"):
                name = str(getattr(a, "name", "<fd>"))
                nb = _b(name)
                self._names.append((a, nb))
                st = lib.ccsig_scan_session_add_fd(h, a.fileno(), nb, byref(err))
            else:
                pb = _b(os.fspath(a))
                self._names.append(pb)
                st = lib.ccsig_scan_session_add_path(h, pb, pb, byref(err))
            if st:
                lib.ccsig_scan_session_free(h)
                self._h = None
                _raise(err)

    # callbacks: on the session's thread, with the GIL taken by ctypes
    def _on_damage(self, ctx, name, offset, what) -> None:
        self.damage.append((_cstr(name), offset, _cstr(what)))

    def _on_archive_error(self, ctx, name, what) -> None:
        self.errors.append((_cstr(name), _cstr(what)))

    def _run(self) -> None:
        try:
            self._status = _lib.core().ccsig_scan_session_run(self._h, byref(self._err))
        finally:
            self._finished = True
            self._running.release()  # the iterator's join
            if self._wfd >= 0:
                os.close(self._wfd)  # the reader's end of file
                self._wfd = -1

    def run(self) -> "Scan":
        """Run to the end without delivering records (for the credit
        manifest and summary alone, made with ``annotate=False``); the GIL
        is released meanwhile. Returns self."""
        for _ in self:
            pass
        return self

    def __iter__(self) -> Iterator[Record]:
        if self._started:
            raise UsageError("a scan is iterated once")
        self._started = True
        # the session's thread (a daemon: a _thread thread, as threading's
        # daemon threads are); the lock held until its end is the join
        self._running.acquire()
        _thread.start_new_thread(self._run, ())
        rfd = self._rfd
        if rfd < 0:  # annotate=False: nothing to deliver
            self._join()
            self._check()
            return
        # The pipe is read into one buffer; what it holds is decoded once up
        # to its last whole line (from the buffer: no copy as bytes first),
        # a partial line moves to the buffer's start, and the lines are
        # parsed by _records.Lines (json.loads of each, with the parse of
        # repeated categories and decisions saved).
        parse = _records.Lines().parse
        read = os.read
        readv = os.readv
        buf = bytearray(self._READ)
        have = 0
        try:
            while True:
                view = memoryview(buf)
                n = readv(rfd, [view[have:]])  # the GIL is released while it waits
                if not n:
                    break
                have += n
                cut = buf.rfind(b"\n", 0, have) + 1
                if cut:
                    text = str(view[:cut], "utf-8")
                view.release()
                if not cut:
                    if have == len(buf):  # a line longer than the buffer
                        buf.extend(bytes(len(buf)))
                    continue
                buf[: have - cut] = buf[cut:have]
                have -= cut
                yield from parse(text)
        finally:
            # the consumer may have stopped early: let the session finish
            # unheard (the pipe drained, so that its writes do not block)
            while read(rfd, 1 << 20):
                pass
            self._join()
            os.close(rfd)
            self._rfd = -1
        self._check()

    def _join(self) -> None:
        # the GIL is released while the lock waits
        self._running.acquire()
        self._running.release()

    def _check(self) -> None:
        st = self._status
        if st == 4 or st == 6:
            _raise(self._err)
        if self.errors and self._raise:
            name, what = self.errors[0]
            raise ArchiveError(what, status="io", file=name)

    def _need_done(self) -> None:
        if not self._finished:
            raise UsageError("the scan has not run yet: iterate it (or call run()) first")

    def credit(self, format: str = "json") -> Any:
        """The credit manifest: a dict for "json" (the document
        ``ccsig scan --credit FILE.json`` writes), the text for "csv" and
        "md" (byte for byte the command's)."""
        self._need_done()
        if format not in _CREDIT_FORMATS:
            raise UsageError(f"'{format}' is not a credit format (json, csv, md)")
        text = self._credit_cache.get(format)
        if text is None:
            lib = _lib.core()
            b = _Buf()
            st = lib.ccsig_credit_write(byref(b.b), _CREDIT_FORMATS[format], lib.ccsig_scan_session_credit(self._h), byref(self._opts.profile))
            if st:
                raise NoMemoryError("out of memory writing the credit manifest", status="nomem")
            text = self._credit_cache[format] = b.text()
        return _records.loads(text) if format == "json" else text

    def credit_text(self, format: str = "json") -> str:
        """The credit manifest as the exact text the command writes."""
        self.credit(format)
        return self._credit_cache[format]

    def summary(self) -> dict:
        """The summary (``ccsig scan --summary --json``) as a dict."""
        self._need_done()
        if self._summary is None:
            lib = _lib.core()
            b = _Buf()
            if lib.ccsig_summary_write_json(byref(b.b), lib.ccsig_scan_session_summary(self._h), byref(self._opts.profile)):
                raise NoMemoryError("out of memory writing the summary", status="nomem")
            self._summary = b.text()
        return _records.loads(self._summary)

    def __del__(self) -> None:
        # The session thread holds a reference to self while it runs, so
        # this runs only before the start or after the end of the run.
        try:
            for name in ("_rfd", "_wfd"):  # a scan never iterated
                if getattr(self, name, -1) >= 0:
                    os.close(getattr(self, name))
                    setattr(self, name, -1)
            lib = _lib.core()
            if getattr(self, "_h", None):
                lib.ccsig_scan_session_free(self._h)
                self._h = None
            if getattr(self, "_store", None):
                lib.ccsig_robots_store_free(self._store)
                self._store = None
        except Exception:
            pass


def scan(
    archives: Iterable[PathLike] | PathLike,
    *,
    agent: str = "*",
    use: str | None = None,
    commit: str | Iterable[str] | None = None,
    purpose: str | None = None,
    robots: Iterable[PathLike] | PathLike | None = None,
    robots_cache: int = 0,
    keep_unknown: bool = True,
    threads: int | None = None,
    revisits: int | None = None,
    hold: int = 0,
    chunk: int = 0,
    annotate: bool = True,
    raise_errors: bool = True,
    status: str | None = None,
) -> Scan:
    """Scan WARC archives (.warc, .warc.gz, .warc.zst paths, or open files)
    as ``ccsig scan --annotate`` does and return a :class:`Scan`: iterate it
    for one annotation record (dict) per response and revisit record.

    ``agent``, ``use``, ``commit``, ``purpose`` are the reuser profile (as
    the command's options); ``robots`` the robots.txt captures (WARC files
    or directories, ``--robots``); ``keep_unknown`` whether records stating
    no preference count as usable (``--unknown keep``); ``threads`` the
    library's worker threads (default: every core); ``revisits`` the
    originals remembered to resolve revisit records (0: off); ``hold`` and
    ``chunk`` as ``--hold`` and the session's chunk size; ``status`` the HTTP
    status classes that count as used (``--status``: "2xx" by default,
    e.g. "2xx,3xx" or "any"). With
    ``annotate=False`` no records are made (call :meth:`Scan.run` for the
    credit manifest and summary alone).

    >>> s = scan(["crawl.warc.gz"], use="train-ai", commit="credit")  # doctest: +SKIP
    >>> kept = [r for r in s if r["decision"]["result"] != "not-permitted"]  # doctest: +SKIP
    >>> s.credit()["parties"]  # doctest: +SKIP
    """
    lib = _lib.core()
    if isinstance(archives, (str, bytes, os.PathLike)) or hasattr(archives, "fileno"):
        archives = [archives]
    archives = list(archives)
    if not archives:
        raise UsageError("no archive given")
    o = _lib.ScanSessionOptions()
    lib.ccsig_scan_session_options_init(byref(o))
    ab = _b(agent or "*")
    if len(ab) >= 256:
        raise UsageError("the agent is longer than 255 bytes")
    o.profile.agent = ab
    o.profile.p = _profile(use, commit, purpose)
    if status is not None:
        sb = _b(status)
        mask = c_uint()
        err = _lib.Error()
        if lib.ccsig_status_class_parse(sb, len(sb), byref(mask), byref(err)):
            raise UsageError(f"--status {status}: {_cstr(err.message)}")
        o.profile.status = mask.value
    o.threads = threads if threads and threads > 0 else (os.cpu_count() or 1)
    if revisits is not None:
        o.revisit_table = revisits
    o.hold = hold
    o.chunk = chunk
    o.keep_unknown = keep_unknown
    store = None
    if robots is not None:
        if isinstance(robots, (str, bytes, os.PathLike)):
            robots = [robots]
        paths = [_b(os.fspath(r)) for r in robots]
        if paths:
            arr = (c_char_p * len(paths))(*paths)
            ro = _lib.RobotsStoreOptions(ab, robots_cache, _lib.STORE_REPORT_FN(), None)
            h = c_void_p()
            err = _lib.Error()
            if lib.ccsig_robots_store_open(arr, len(paths), byref(ro), byref(h), byref(err)):
                _raise(err, "robots")
            store = h
            o.robots = h
    return Scan(archives, o, store, raise_errors=raise_errors, annotate=annotate)


# ---- a filter for dataset pipelines ---------------------------------------


class Filter:
    """A keep/drop filter over crawl records, shaped like the filters of
    common dataset pipelines: call it on a record, get back whether to keep
    it and why.

    A record is a mapping (or any object with attributes) holding ``url``
    and either ``response`` (the raw HTTP response bytes: status line,
    header fields and body, as in a WARC response record) or ``headers``
    (the raw header block as bytes/str, a mapping, or (name, value) pairs)
    and ``body`` (bytes). The key names can be changed (``url_key``, ...).

    ``filter(record)`` returns ``(keep, annotation)``: ``annotation`` is the
    :func:`evaluate` record; ``keep`` follows the rule of ``ccsig scan
    --keep``: the use is permitted (with or without obligations), the URL is
    not disallowed by robots.txt, and records stating nothing count as
    usable when ``keep_unknown`` (the default). ``filter.keep(record)``
    returns the bool alone (for ``filter()``-style APIs), and
    ``filter.annotate(record)`` adds the annotation to a dict record under
    ``annotation_key``.

    ``robots`` gives the robots.txt per record: a :class:`Robots` for every
    record, or a callable ``robots(url) -> Robots | None`` (e.g. a dict
    lookup by host). One Filter may be used from several threads.
    """

    def __init__(
        self,
        use: str,
        *,
        commit: str | Iterable[str] | None = None,
        purpose: str | None = None,
        agent: str = "*",
        robots: Robots | Any | None = None,
        keep_unknown: bool = True,
        url_key: str = "url",
        response_key: str = "response",
        headers_key: str = "headers",
        body_key: str = "body",
        annotation_key: str = "ccsig",
    ) -> None:
        self._args = dict(agent=agent, use=use, commit=commit, purpose=purpose)
        _profile(use, commit, purpose)  # fail now on a bad profile
        self.robots = robots
        self.keep_unknown = keep_unknown
        self.keys = (url_key, response_key, headers_key, body_key)
        self.annotation_key = annotation_key
        self._local = _thread._local()

    def _evaluator(self) -> Evaluator:
        ev = getattr(self._local, "ev", None)
        if ev is None:
            ev = self._local.ev = Evaluator(**self._args)
        return ev

    @staticmethod
    def _get(record: Any, key: str) -> Any:
        if isinstance(record, Mapping):
            return record.get(key)
        return getattr(record, key, None)

    def __call__(self, record: Any) -> tuple[bool, Record]:
        url_key, response_key, headers_key, body_key = self.keys
        url = self._get(record, url_key)
        if isinstance(url, bytes):
            url = url.decode("utf-8", "replace")
        robots = self.robots
        if robots is not None and not isinstance(robots, Robots):
            robots = robots(url)
        response = self._get(record, response_key)
        ev = self._evaluator()
        if response is not None:
            rec = ev.evaluate(url, response=_b(response), name=url, robots=robots)
        else:
            headers = self._get(record, headers_key)
            body = self._get(record, body_key)
            if isinstance(body, str):
                body = body.encode("utf-8")
            if isinstance(headers, (bytes, str)):
                # a raw header block: evaluated as the captured response it starts
                block = _b(headers)
                if not block.endswith(b"\n\n") and not block.endswith(b"\r\n\r\n"):
                    block = block.rstrip(b"\r\n") + b"\r\n\r\n"
                rec = ev.evaluate(url, response=block + (body or b""), name=url, robots=robots)
            else:
                rec = ev.evaluate(url, headers=headers, body=body, robots=robots)
        return self._usable(rec), rec

    def _usable(self, rec: Record) -> bool:
        if rec["crawl"] == "disallowed":
            return False
        d = rec["decision"]
        if d is None:
            return False
        r = d["result"]
        if r in ("permitted", "permitted-with-obligations"):
            return True
        return r == "unknown" and self.keep_unknown

    def keep(self, record: Any) -> bool:
        """Whether to keep the record (the first half of ``self(record)``)."""
        return self(record)[0]

    def annotate(self, record: dict) -> dict:
        """record with the annotation added under ``annotation_key`` (and
        ``keep`` in it); returns the same dict."""
        keep, rec = self(record)
        rec["keep"] = keep
        record[self.annotation_key] = rec
        return record
