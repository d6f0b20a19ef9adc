"""The libccsig ABI as ctypes sees it: loading the shared library, the
structures the binding reads and the prototypes of the functions it calls.

The structures and prototypes that the scan needs are here; the others
(evaluation, robots.txt, live checking) are in ._abi, imported the first
time one is asked for: ``_lib.EvalResult`` and ``core().ccsig_evaluate``
work the same (defining every structure costs ``import ccsig`` a third of
its start-up).

Nothing here reimplements the library: every parser, reader, combiner and
JSON writer runs in libccsig.so.0. The structures mirror the public headers
of the installed library (include/ccsig/*.h, version 0.x, soname
libccsig.so.0) member for member; python/tests/test_layout.py compiles a C
program against the installed headers and compares every size and offset.

ctypes releases the GIL for the duration of every call into a CDLL (a
ctypes.CDLL, not a PyDLL), and a callback made from C (the scan session's
sink) takes the GIL back while it runs: other Python threads run while the
library works.
"""

from __future__ import annotations

import ctypes
import os
import _thread
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_bool,
    c_char,
    c_char_p,
    c_double,
    c_int,
    c_size_t,
    c_uint,
    c_uint64,
    c_void_p,
)

SONAME = "libccsig.so.0"
FETCH_SONAME = "libccsig-fetch.so.0"

# Sizes from the headers (ccsig/pref.h). The result structures hold their
# arrays behind pointers with a capacity (cap), read at run time.
CAT_COUNT = 5


class Str(Structure):
    """ccsig_str: a byte slice (not NUL-terminated)."""

    _fields_ = [("p", c_void_p), ("len", c_size_t)]

    def bytes(self) -> bytes:
        return ctypes.string_at(self.p, self.len) if self.p and self.len else b""

    def text(self) -> str:
        return self.bytes().decode("utf-8", "replace")


def make_str(b: bytes | None) -> Str:
    """A Str over b (which the caller keeps alive while the Str is used)."""
    if not b:
        return Str(None, 0)
    return Str(ctypes.cast(c_char_p(b), c_void_p).value, len(b))


class Error(Structure):
    _fields_ = [
        ("code", c_int),
        ("offset", c_size_t),
        ("line", c_uint),
        ("column", c_uint),
        ("message", c_char * 160),
    ]


class Profile(Structure):
    _fields_ = [("use", c_int), ("commitments", c_uint), ("purpose", c_int), ("reading", c_int)]


class Buf(Structure):
    _fields_ = [("data", c_void_p), ("len", c_size_t), ("cap", c_size_t), ("failed", c_bool)]


class ScanProfile(Structure):
    _fields_ = [("agent", c_char * 256), ("p", Profile), ("status", c_uint)]


class ScanProgress(Structure):
    _fields_ = [
        ("bytes_done", c_uint64),
        ("bytes_total", c_uint64),
        ("sizes_known", c_bool),
        ("records", c_uint64),
        ("seconds", c_double),
        ("final", c_bool),
    ]


# Sink callbacks. The byte pointers are c_void_p so that ctypes hands over a
# plain integer (ctypes.string_at copies the bytes once).
WRITE_FN = CFUNCTYPE(c_bool, c_void_p, c_void_p, c_size_t)
DAMAGE_FN = CFUNCTYPE(None, c_void_p, c_char_p, c_uint64, c_char_p)
ARCHIVE_ERROR_FN = CFUNCTYPE(None, c_void_p, c_char_p, c_char_p)
PROGRESS_FN = CFUNCTYPE(None, c_void_p, POINTER(ScanProgress))
STORE_REPORT_FN = CFUNCTYPE(None, c_void_p, c_char_p, c_uint64, c_char_p)


class ScanSink(Structure):
    _fields_ = [
        ("ctx", c_void_p),
        ("annotation", WRITE_FN),
        ("kept", WRITE_FN),
        ("damage", DAMAGE_FN),
        ("archive_error", ARCHIVE_ERROR_FN),
        ("progress", PROGRESS_FN),
    ]


class ScanSessionOptions(Structure):
    _fields_ = [
        ("profile", ScanProfile),
        ("threads", c_int),
        ("hold", c_size_t),
        ("revisit_table", c_size_t),
        ("chunk", c_size_t),
        ("keep_unknown", c_bool),
        ("annotate_codec", c_int),
        ("keep_codec", c_int),
        ("robots", c_void_p),
        ("progress_interval", c_double),
        ("shard", c_void_p),  # struct ccsig_shard * (ccsig/shard.h); None: not a shard
    ]


class RobotsStoreOptions(Structure):
    _fields_ = [
        ("agent", c_char_p),
        ("max_entries", c_size_t),
        ("report", STORE_REPORT_FN),
        ("report_ctx", c_void_p),
    ]


P = POINTER
# name: (restype, argtypes); the other functions' are ._abi.CORE and ._abi.FETCH
CORE = {
    "ccsig_version": (c_char_p, []),
    "ccsig_version_number": (c_uint, []),
    "ccsig_status_name": (c_char_p, [c_int]),
    "ccsig_status_class_parse": (c_int, [c_char_p, c_size_t, POINTER(c_uint), POINTER(Error)]),
    "ccsig_buf_free": (None, [P(Buf)]),
    "ccsig_category_parse": (c_bool, [c_char_p, c_size_t, P(c_int)]),
    "ccsig_conditions_parse": (c_bool, [c_char_p, c_size_t, P(c_uint), P(c_size_t)]),
    "ccsig_purpose_parse": (c_bool, [c_char_p, c_size_t, P(c_int)]),
    "ccsig_warning_id": (c_char_p, [c_int]),
    "ccsig_link_kind_name": (c_char_p, [c_int]),
    "ccsig_asset_kind_name": (c_char_p, [c_int]),
    "ccsig_file_format_name": (c_char_p, [c_int]),
    "ccsig_robots_reason_name": (c_char_p, [c_int]),
    "ccsig_robots_status_name": (c_char_p, [c_int]),
    "ccsig_robots_agent_token": (Str, [c_char_p, c_size_t]),
    "ccsig_robots_compile": (c_int, [c_char_p, c_size_t, c_char_p, P(c_void_p), P(Error)]),
    "ccsig_robots_free": (None, [c_void_p]),
    "ccsig_scan_session_options_init": (None, [P(ScanSessionOptions)]),
    "ccsig_scan_session_new": (c_int, [P(ScanSessionOptions), P(ScanSink), P(c_void_p), P(Error)]),
    "ccsig_scan_session_free": (None, [c_void_p]),
    "ccsig_scan_session_add_path": (c_int, [c_void_p, c_char_p, c_char_p, P(Error)]),
    "ccsig_scan_session_add_fd": (c_int, [c_void_p, c_int, c_char_p, P(Error)]),
    "ccsig_scan_session_run": (c_int, [c_void_p, P(Error)]),
    "ccsig_scan_session_summary": (c_void_p, [c_void_p]),
    "ccsig_scan_session_credit": (c_void_p, [c_void_p]),
    "ccsig_scan_session_unreadable": (c_bool, [c_void_p]),
    "ccsig_scan_session_write_failed": (c_bool, [c_void_p]),
    "ccsig_credit_write": (c_int, [P(Buf), c_int, c_void_p, P(ScanProfile)]),
    "ccsig_credit_format_parse": (c_bool, [c_char_p, P(c_int)]),
    "ccsig_summary_write_json": (c_int, [P(Buf), c_void_p, P(ScanProfile)]),
    "ccsig_robots_store_open": (
        c_int,
        [P(c_char_p), c_size_t, P(RobotsStoreOptions), P(c_void_p), P(Error)],
    ),
    "ccsig_robots_store_free": (None, [c_void_p]),
    "ccsig_scan_sink_fd": (c_bool, [c_void_p, c_void_p, c_size_t]),
}


class LibraryNotFound(ImportError):
    """libccsig.so.0 could not be loaded (see ccsig.load_library)."""


def _candidates(soname: str) -> list[str]:
    where = os.environ.get("CCSIG_LIBRARY")
    if where:
        if os.path.isdir(where):
            return [os.path.join(where, soname)]
        if soname == SONAME:
            return [where]
        # a component lives beside the core library it was installed with
        return [os.path.join(os.path.dirname(where), soname)]
    return [soname]


class _Lib(ctypes.CDLL):
    """A CDLL whose functions get their prototype (CORE, or ._abi's tables)
    when first asked for; a function in no table is left as ctypes makes
    it (credit.py gives its own)."""

    def __getattr__(self, name: str):
        f = super().__getattr__(name)  # made once, then an attribute
        proto = CORE.get(name)
        if proto is None and not name.startswith("__"):
            from . import _abi

            proto = _abi.CORE.get(name) or _abi.FETCH.get(name)
        if proto is not None:
            f.restype, f.argtypes = proto
        return f


def __getattr__(name: str):
    # the structures of ._abi (and STRUCTS, all of them), as attributes of
    # this module
    if name.startswith("__"):
        raise AttributeError(name)
    from . import _abi

    try:
        return getattr(_abi, name)
    except AttributeError:
        raise AttributeError(f"module 'ccsig._lib' has no attribute {name!r}") from None


_lock = _thread.allocate_lock()  # threading's Lock (threading itself costs start-up)
_core: ctypes.CDLL | None = None
_fetch: ctypes.CDLL | None = None


def core() -> ctypes.CDLL:
    """The core library (loaded once; LibraryNotFound when it cannot be)."""
    global _core
    if _core is None:
        with _lock:
            if _core is None:
                lib = _load(SONAME)
                _core = lib
    return _core


def fetch() -> ctypes.CDLL:
    """The fetch component libccsig-fetch.so.0 (live checking)."""
    global _fetch
    core()
    if _fetch is None:
        with _lock:
            if _fetch is None:
                lib = _load(FETCH_SONAME)
                _fetch = lib
    return _fetch


def _load(soname: str) -> ctypes.CDLL:
    errors = []
    for path in _candidates(soname):
        try:
            return _Lib(path)
        except OSError as e:
            errors.append(str(e))
    raise LibraryNotFound(
        f"cannot load {soname} ({'; '.join(errors)}); install libccsig0, or set "
        "CCSIG_LIBRARY to the path of libccsig.so.0 or the directory that holds it"
    )
