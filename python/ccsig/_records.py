"""JSON text from the library to Python objects, for the package: loads()
for one document and Lines for the annotation lines of a scan.

Both use the standard library's JSON parser, its C accelerator ``_json``
(the scanner ``json.loads`` runs), called directly: importing the ``json``
package costs a program that imports ccsig about 26 M instructions (it
imports ``re`` and ``enum``), more than parsing a thousand records. When
``_json`` is missing (an interpreter built without it), ``json`` is used.

Lines makes what ``json.loads`` makes of each line, faster when records
repeat their ``categories`` and ``decision``: those two members are the
verdict and the decision, which records of one site (and many sites)
share byte for byte, and they are three quarters of a line. Their text is
parsed once; a record whose text is the same gets a fresh copy of the
parsed objects, made by a function that copies every dict and list and
shares the strings and numbers (immutable): about a fifth of the parse's
cost. A record owns all its objects: changing one changes no other.
"""

from __future__ import annotations

try:
    from _json import make_scanner as _make_scanner
except ImportError:  # pragma: no cover - CPython always has it
    _make_scanner = None

_CONSTANTS = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}


class _Context:
    """What the scanner reads of a json.JSONDecoder (its defaults)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = _CONSTANTS.__getitem__
    memo = None


if _make_scanner is not None:
    _scan = _make_scanner(_Context())
else:  # pragma: no cover
    import json as _json_mod

    _decoder = _json_mod.JSONDecoder()

    def _scan(s: str, i: int):
        return _decoder.raw_decode(s, i)


_WS = " \t\n\r"


def _error(text: str, i: int) -> ValueError:
    line = text.count("\n", 0, i) + 1
    col = i - text.rfind("\n", 0, i)
    return ValueError(f"the library wrote JSON the package cannot read: line {line} column {col} (char {i})")


def loads(text: str):
    """json.loads(text) for the library's JSON text (one document, with
    optional surrounding whitespace). ValueError when it is not JSON."""
    i = len(text) - len(text.lstrip(_WS))
    try:
        obj, end = _scan(text, i)
    except StopIteration as e:
        raise _error(text, e.value) from None
    if end != len(text) and text[end:].strip(_WS):
        raise _error(text, end)
    return obj


def _copy_source(o, K: list, body: list) -> str:
    """The Python expression that copies o (a parsed JSON value holding a
    dict or list), appending the statements it needs to body and the
    objects it copies from to K; the code names objects by their index in
    K only, so one compiled function serves every value of the same shape."""
    if type(o) is dict:
        K.append(o)
        var = f"v{len(body)}"
        body.append(f"{var} = K[{len(K) - 1}].copy()")
        for key, v in o.items():
            if type(v) is dict or type(v) is list:
                expr = _copy_source(v, K, body)
                K.append(key)
                body.append(f"{var}[K[{len(K) - 1}]] = {expr}")
        return var
    if any(type(v) is dict or type(v) is list for v in o):
        items = (_copy_source(v, K, body) if type(v) is dict or type(v) is list else _share(v, K) for v in o)
        return "[" + ", ".join(items) + "]"
    K.append(o)
    return f"K[{len(K) - 1}].copy()"


def _share(v, K: list) -> str:
    K.append(v)
    return f"K[{len(K) - 1}]"


# compiled copy functions by their code (the shape of what they copy: the
# annotation has a few); forgotten all at once past _MAKERS
_makers: dict = {}
_MAKERS = 256


def _copier(o):
    """A function of no argument returning a deep copy of o (a list or
    dict of parsed JSON) whose strings and numbers are o's own."""
    K: list = []
    body: list = []
    expr = _copy_source(o, K, body)
    code = "def make(K):\n def copy():\n  " + "\n  ".join(body) + f"\n  return {expr}\n return copy\n"
    make = _makers.get(code)
    if make is None:
        if len(_makers) >= _MAKERS:
            _makers.clear()
        ns: dict = {}
        exec(code, ns)  # noqa: S102 - the code names indices of K, nothing of the data
        make = _makers[code] = ns["make"]
    return make(tuple(K))


_HEAD = ',"categories":'
_TAIL = ',"sources":'
_HOLES = ',"categories":0,"decision":0'
_KEYS = ["categories", "decision"]


class Lines:
    """Parses annotation lines (ccsig scan --annotate) into dicts equal to
    json.loads of each line. Not thread-safe: one per scan.

    The text of ``,"categories":...,"decision":...`` of a line (up to
    ``,"sources":``, which cannot occur inside a JSON string: a quote in a
    string is escaped) is looked up: the second time a text is seen, it is
    parsed on its own and a copier of its two values is kept; a line whose
    text has a copier is parsed without it (the two members hold 0 in its
    place) and gets fresh copies. The texts with a copier are found by
    their length and compared in place (no slice of the line, no hash of
    it); 8 of one length are kept, ``limit`` copiers and seen texts at
    most (then forgotten, all at once)."""

    def __init__(self, limit: int = 512) -> None:
        self._copiers: dict = {}  # length of the text -> [(text, copier)]
        self._ncopiers = 0
        self._seen: set = set()
        self._limit = limit

    def _learn(self, span: str):
        """The copier for span (seen before), or None when span is not
        the two members alone (the line is then parsed whole)."""
        doc = "{" + span[1:] + "}"
        try:
            obj, end = _scan(doc, 0)
        except (StopIteration, ValueError):
            return None
        if end != len(doc) or list(obj) != _KEYS:
            return None
        if self._ncopiers >= self._limit:
            self._copiers.clear()
            self._ncopiers = 0
        c = _copier([obj["categories"], obj["decision"]])
        same = self._copiers.setdefault(len(span), [])
        if len(same) >= 8:  # texts of one length compared one by one: a few
            del same[0]
            self._ncopiers -= 1
        same.append((span, c))
        self._ncopiers += 1
        return c

    def parse(self, text: str):
        """The records of text: whole lines, each ending in "\\n"."""
        scan = _scan
        copiers = self._copiers
        seen = self._seen
        find = text.find
        startswith = text.startswith
        i, n = 0, len(text)
        while i < n:
            e = find("\n", i)
            if e < 0:
                e = n
            a = find(_HEAD, i, e)
            c = find(_TAIL, a, e) if a > 0 else -1
            if c > 0:
                copy = None
                # the texts of this length learnt: compared in place
                for span, cp in copiers.get(c - a, ()):
                    if startswith(span, a):
                        copy = cp
                        break
                if copy is None:
                    span = text[a:c]
                    if span in seen:
                        copy = self._learn(span)
                    else:
                        if len(seen) >= self._limit:
                            seen.clear()
                        seen.add(span)
                if copy is not None:
                    try:
                        rec = scan(text[i:a] + _HOLES + text[c:e], 0)[0]
                    except StopIteration:
                        raise _error(text, i) from None
                    # the holes are members of the line's own object
                    # (not of one nested in it) when it has them
                    if rec.get("categories", 1) == 0 == rec.get("decision", 1):
                        rec["categories"], rec["decision"] = copy()
                        i = e + 1
                        yield rec
                        continue
            try:
                rec = scan(text, i)[0]
            except StopIteration:
                raise _error(text, i) from None
            i = e + 1
            yield rec
