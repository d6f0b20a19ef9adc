"""The libccsig ABI as ctypes sees it: loading the shared library, the
structures the binding reads and the prototypes of the functions it calls.

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
import threading
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_bool,
    c_char,
    c_char_p,
    c_double,
    c_int,
    c_int8,
    c_long,
    c_size_t,
    c_uint,
    c_uint8,
    c_uint32,
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


class Provenance(Structure):
    _fields_ = [
        ("kind", c_int),
        ("line", c_uint),
        ("origin", Str),
        ("text", Str),
        ("scope_line", c_uint),
        ("scope", Str),
    ]


class Pref(Structure):
    _fields_ = [
        ("state", c_uint8),
        ("signal", c_uint8),
        ("conditions", c_uint8),
        ("via", c_uint8),
        ("vocab", c_uint8),
        ("label", Str),
    ]


class Statement(Structure):
    _fields_ = [("cat", Pref * CAT_COUNT), ("src", Provenance), ("valid", c_bool)]


class Warning_(Structure):
    _fields_ = [
        ("code", c_int),
        ("offset", c_size_t),
        ("key", Str),
        ("value", Str),
        ("value_is_type", c_bool),
    ]


class Warnings(Structure):
    """ccsig_warnings: v (cap entries in an arena, n used); zero-initialised
    (= {0}) as ctypes makes it, the array comes from the parse's arena."""

    _fields_ = [
        ("v", POINTER(Warning_)),
        ("n", c_size_t),
        ("cap", c_size_t),
        ("dropped", c_size_t),
        ("arena", c_void_p),
    ]


class VerdictEntry(Structure):
    _fields_ = [
        ("state", c_int),
        ("conditions", c_uint),
        ("signals", c_uint),
        ("via", c_int),
        ("source", c_int),
        ("vocab", c_uint8),
        ("legacy", c_uint8),
        ("other", c_uint8),
        ("other_conditions", c_uint8),
        ("label", Str),
    ]


class Verdict(Structure):
    _fields_ = [("cat", VerdictEntry * CAT_COUNT), ("reading", c_int)]


class Profile(Structure):
    _fields_ = [("use", c_int), ("commitments", c_uint), ("purpose", c_int), ("reading", c_int)]


class Decision(Structure):
    _fields_ = [
        ("use", c_int),
        ("result", c_int),
        ("obligations", c_uint),
        ("missing", c_uint),
        ("exclusion", c_int),
        ("state", c_int),
        ("source", c_int),
        ("crawl_disallowed", c_bool),
        ("crawl_rule", Provenance),
        ("reading", c_uint8),
        ("legacy", c_uint8),
        ("other", c_uint8),
        ("reserved", c_uint8),
    ]


class Arena(Structure):
    _fields_ = [
        ("head", c_void_p),
        ("cur", c_void_p),
        ("end", c_void_p),
        ("block_size", c_size_t),
        ("total", c_size_t),
        ("failed", c_bool),
    ]


class Buf(Structure):
    _fields_ = [("data", c_void_p), ("len", c_size_t), ("cap", c_size_t), ("failed", c_bool)]


class AssetCtx(Structure):
    _fields_ = [("agent", Str), ("origin", Str), ("url", Str), ("is_image", c_bool)]


class Note(Structure):
    _fields_ = [("src", Provenance), ("message", Str)]


class Link(Structure):
    _fields_ = [("kind", c_int), ("url", Str), ("type", Str), ("src", Provenance)]


class TdmValue(Structure):
    _fields_ = [
        ("reservation", c_int8),
        ("conflict", c_bool),
        ("src", Provenance),
        ("policy", Str),
        ("policy_src", Provenance),
    ]


class Collect(Structure):
    _fields_ = [
        ("arena", c_void_p),
        ("ctx", AssetCtx),
        ("sts", POINTER(Statement)),
        ("n", c_size_t),
        ("cap", c_size_t),
        ("dropped", c_size_t),
        ("notes", POINTER(Note)),
        ("nnotes", c_size_t),
        ("notes_cap", c_size_t),
        ("notes_dropped", c_size_t),
        ("links", POINTER(Link)),
        ("nlinks", c_size_t),
        ("links_cap", c_size_t),
        ("links_dropped", c_size_t),
        ("tdm", POINTER(TdmValue)),
        ("finished", c_bool),
        # attribution facts (ccsig/sources.h); read through ccsig/attribution.h
        ("facts", c_void_p),
        ("nfacts", c_size_t),
        ("facts_cap", c_size_t),
        ("facts_dropped", c_size_t),
    ]


class HttpField(Structure):
    """ccsig_http_field: one "Name: value" field."""


    _fields_ = [("name", Str), ("value", Str)]


class EvalRobots(Structure):
    _fields_ = [
        ("known", c_int),
        ("crawl", c_int),
        ("rule", POINTER(Provenance)),
        ("sts", POINTER(Statement)),
        ("n", c_size_t),
    ]


class EvalDoc(Structure):
    _fields_ = [("origin", Str), ("p", c_void_p), ("len", c_size_t), ("error", Str)]


class EvalInput(Structure):
    _fields_ = [
        ("url", Str),
        ("origin", Str),
        ("agent", Str),
        ("profile", POINTER(Profile)),
        ("robots", POINTER(EvalRobots)),
        ("response", c_bool),
        ("status", c_int),
        ("fields", POINTER(HttpField)),
        ("nfields", c_size_t),
        ("has_type", c_bool),
        ("content_type", Str),
        ("body", c_void_p),
        ("body_len", c_size_t),
        ("tail", c_void_p),
        ("tail_len", c_size_t),
        ("tdmrep", POINTER(EvalDoc)),
        ("rsl", POINTER(EvalDoc)),
        ("nrsl", c_size_t),
        ("notes", POINTER(Note)),
        ("nnotes", c_size_t),
        ("links", POINTER(Link)),
        ("nlinks", c_size_t),
        ("earlier", POINTER(Statement)),
        ("nearlier", c_size_t),
        ("readers", c_uint),
        ("more", c_void_p),
        ("more_ctx", c_void_p),
    ]


class EvalResult(Structure):
    _fields_ = [
        ("c", Collect),
        ("n_robots", c_size_t),
        ("n_earlier", c_size_t),
        ("header_invalid", c_bool),
        ("kind", c_int),
        ("format", c_int),
        ("status", c_int),
        ("verdict", Verdict),
        ("decision", Decision),
    ]


class HttpMsg(Structure):
    _fields_ = [
        ("kind", c_int),
        ("status", c_int),
        ("version", Str),
        ("reason", Str),
        ("method", Str),
        ("target", Str),
        ("header_len", c_size_t),
        ("anomalies", c_uint),
        ("nfields", c_size_t),
        ("dropped", c_size_t),
        ("fields", POINTER(HttpField)),
        ("cap", c_size_t),
    ]


class RobotsLine(Structure):
    _fields_ = [("line", c_uint), ("text", Str)]


class RobotsLicense(Structure):
    _fields_ = [("line", c_uint), ("url", Str)]


class RobotsInfo(Structure):
    _fields_ = [
        ("size", c_size_t),
        ("used", c_size_t),
        ("truncated", c_bool),
        ("first_ignored_line", c_uint),
        ("lines", c_uint),
        ("bom", c_bool),
        ("groups", c_uint),
        ("access_rules", c_uint),
        ("usage_rules", c_uint),
        ("signal_rules", c_uint),
        ("licenses", c_uint),
    ]


class RobotsAnswer(Structure):
    _fields_ = [
        ("allowed", c_bool),
        ("reason", c_int),
        ("rule", RobotsLine),
        ("group", RobotsLine),
        ("specific", c_bool),
        ("st", POINTER(Statement)),
        ("st_directive", POINTER(c_int)),
        ("nst", c_size_t),
        ("folded", c_uint),
        ("withheld", c_uint),
        ("signal_use", Str),
        ("licenses", POINTER(RobotsLicense)),
        ("nlicenses", c_size_t),
        ("path", Str),
        ("path_truncated", c_bool),
        ("store", c_void_p),
    ]


class RobotsAgent(Structure):
    _fields_ = [("first", c_uint32), ("count", c_uint32), ("specific", c_bool)]


class FetchOpts(Structure):
    _fields_ = [
        ("user_agent", c_char_p),
        ("agent", c_char_p),
        ("delay", c_double),
        ("max_crawl_delay", c_double),
        ("connect_timeout_ms", c_long),
        ("timeout_ms", c_long),
        ("max_bytes", c_size_t),
        ("cache_dir", c_char_p),
        ("ca_file", c_char_p),
        ("public_only", c_bool),
        ("https_only", c_bool),
        ("allow", c_void_p),  # const ccsig_addr_net *: the address guard (unused here)
        ("nallow", c_size_t),
    ]


class CheckOpts(Structure):
    _fields_ = [("agent", c_char_p), ("profile", Profile), ("fetch", FetchOpts)]


class RobotsFetch(Structure):
    _fields_ = [
        ("state", c_int),
        ("http_status", c_long),
        ("origin", c_char_p),
        ("url", c_char_p),
        ("body", c_void_p),
        ("len", c_size_t),
        ("truncated", c_bool),
        ("from_cache", c_bool),
        ("stale", c_bool),
        ("fetched", c_long),  # time_t
        ("expires", c_long),
        ("crawl_delay", c_double),
        ("redirects", c_uint),
        ("error", c_char_p),
        ("generation", c_uint64),
    ]


class UrlResult(Structure):
    _fields_ = [
        ("ev", POINTER(EvalResult)),
        ("known", c_int),
        ("crawl", c_int),
        ("rule", POINTER(Provenance)),
        ("robots_fetched", c_bool),
        ("robots", RobotsFetch),
        ("licenses", POINTER(RobotsLicense)),
        ("nlicenses", c_size_t),
        ("asset_fetched", c_bool),
        ("asset_url", c_char_p),
        ("asset_status", c_long),
        ("content_type", c_char_p),
        ("asset_bytes", c_size_t),
        ("asset_partial", c_bool),
        ("status", c_int),
        ("error", c_char_p),
    ]


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


# Every structure above, by its C name (python/tests/test_layout.py).
STRUCTS = {
    "ccsig_str": Str,
    "ccsig_error": Error,
    "ccsig_provenance": Provenance,
    "ccsig_pref": Pref,
    "ccsig_statement": Statement,
    "ccsig_warning": Warning_,
    "ccsig_warnings": Warnings,
    "ccsig_verdict_entry": VerdictEntry,
    "ccsig_verdict": Verdict,
    "ccsig_profile": Profile,
    "ccsig_decision": Decision,
    "ccsig_arena": Arena,
    "ccsig_buf": Buf,
    "ccsig_asset_ctx": AssetCtx,
    "ccsig_note": Note,
    "ccsig_link": Link,
    "ccsig_tdm_value": TdmValue,
    "ccsig_collect": Collect,
    "ccsig_http_field": HttpField,
    "ccsig_eval_robots": EvalRobots,
    "ccsig_eval_doc": EvalDoc,
    "ccsig_eval_input": EvalInput,
    "ccsig_eval_result": EvalResult,
    "ccsig_http_msg": HttpMsg,
    "ccsig_robots_line": RobotsLine,
    "ccsig_robots_license": RobotsLicense,
    "ccsig_robots_info": RobotsInfo,
    "ccsig_robots_answer": RobotsAnswer,
    "ccsig_robots_agent": RobotsAgent,
    "ccsig_fetch_opts": FetchOpts,
    "ccsig_check_opts": CheckOpts,
    "ccsig_robots_fetch": RobotsFetch,
    "ccsig_url_result": UrlResult,
    "ccsig_scan_profile": ScanProfile,
    "ccsig_scan_progress": ScanProgress,
    "ccsig_scan_sink": ScanSink,
    "ccsig_scan_session_options": ScanSessionOptions,
    "ccsig_robots_store_options": RobotsStoreOptions,
}

P = POINTER
# name: (restype, argtypes)
CORE = {
    "ccsig_version": (c_char_p, []),
    "ccsig_version_number": (c_uint, []),
    "ccsig_status_name": (c_char_p, [c_int]),
    "ccsig_status_class_parse": (c_int, [c_char_p, c_size_t, POINTER(c_uint), POINTER(Error)]),
    "ccsig_arena_init": (None, [P(Arena), c_size_t]),
    "ccsig_arena_reset": (None, [P(Arena)]),
    "ccsig_arena_free": (None, [P(Arena)]),
    "ccsig_buf_free": (None, [P(Buf)]),
    "ccsig_category_parse": (c_bool, [c_char_p, c_size_t, P(c_int)]),
    "ccsig_conditions_parse": (c_bool, [c_char_p, c_size_t, P(c_uint), P(c_size_t)]),
    "ccsig_purpose_parse": (c_bool, [c_char_p, c_size_t, P(c_int)]),
    "ccsig_statement_init": (None, [P(Statement), c_int]),
    "ccsig_pref_parse": (c_int, [P(Arena), c_char_p, c_size_t, P(Statement), P(Warnings), P(Error)]),
    "ccsig_warnings_init": (None, [P(Warnings), P(Arena)]),
    "ccsig_warning_message": (None, [P(Warning_), c_char_p, c_size_t]),
    "ccsig_warning_id": (c_char_p, [c_int]),
    "ccsig_combine": (None, [P(Statement), c_size_t, P(Verdict)]),
    "ccsig_decide": (None, [P(Verdict), P(Profile), P(Decision)]),
    "ccsig_report_write_categories": (None, [P(Buf), P(Verdict)]),
    "ccsig_report_write_decision": (None, [P(Buf), P(Decision)]),
    "ccsig_report_write_source": (None, [P(Buf), P(Provenance)]),
    "ccsig_report_write_record_head": (
        None,
        [P(Buf), Str, Str, c_char_p, P(Provenance), P(Verdict), P(Decision), P(Statement), c_size_t],
    ),
    "ccsig_report_categories_text": (None, [P(Buf), P(Verdict), c_char_p, c_void_p]),
    "ccsig_report_decision_text": (None, [P(Buf), P(Decision), c_char_p]),
    "ccsig_link_kind_name": (c_char_p, [c_int]),
    "ccsig_asset_kind_name": (c_char_p, [c_int]),
    "ccsig_file_format_name": (c_char_p, [c_int]),
    "ccsig_robots_reason_name": (c_char_p, [c_int]),
    "ccsig_robots_status_name": (c_char_p, [c_int]),
    "ccsig_robots_agent_token": (Str, [c_char_p, c_size_t]),
    "ccsig_robots_compile": (c_int, [c_char_p, c_size_t, c_char_p, P(c_void_p), P(Error)]),
    "ccsig_robots_free": (None, [c_void_p]),
    "ccsig_robots_get_info": (P(RobotsInfo), [c_void_p]),
    "ccsig_robots_answer_new": (P(RobotsAnswer), []),
    "ccsig_robots_answer_free": (None, [P(RobotsAnswer)]),
    "ccsig_robots_select": (RobotsAgent, [c_void_p, c_char_p, c_size_t]),
    "ccsig_robots_query": (c_int, [c_void_p, RobotsAgent, c_char_p, c_size_t, P(RobotsAnswer)]),
    "ccsig_robots_allowed": (c_bool, [c_void_p, RobotsAgent, c_char_p, c_size_t, P(RobotsLine)]),
    "ccsig_evaluate": (c_int, [P(EvalInput), P(Arena), P(EvalResult)]),
    "ccsig_evaluate_response": (
        c_int,
        [c_char_p, c_size_t, P(EvalInput), P(Arena), P(HttpMsg), P(EvalResult), P(Error)],
    ),
    "ccsig_http_find": (c_size_t, [P(HttpMsg), c_char_p, c_size_t]),
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
}

FETCH = {
    "ccsig_fetch_opts_default": (None, [P(FetchOpts)]),
    "ccsig_checker_new": (c_int, [P(CheckOpts), P(c_void_p), P(Error)]),
    "ccsig_checker_free": (None, [c_void_p]),
    "ccsig_url_check_new": (c_void_p, []),
    "ccsig_url_check_free": (None, [c_void_p]),
    "ccsig_fetch_evaluate_url": (c_int, [c_void_p, c_void_p, c_char_p, P(P(UrlResult))]),
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


def _bind(lib: ctypes.CDLL, table: dict) -> None:
    for name, (restype, argtypes) in table.items():
        f = getattr(lib, name)
        f.restype = restype
        f.argtypes = argtypes


_lock = threading.Lock()
_core: ctypes.CDLL | None = None
_fetch: ctypes.CDLL | None = None


def core() -> ctypes.CDLL:
    """The core library (loaded once; LibraryNotFound when it cannot be)."""
    global _core
    if _core is None:
        with _lock:
            if _core is None:
                lib = _load(SONAME)
                _bind(lib, CORE)
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
                _bind(lib, FETCH)
                _fetch = lib
    return _fetch


def _load(soname: str) -> ctypes.CDLL:
    errors = []
    for path in _candidates(soname):
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append(str(e))
    raise LibraryNotFound(
        f"cannot load {soname} ({'; '.join(errors)}); install libccsig0, or set "
        "CCSIG_LIBRARY to the path of libccsig.so.0 or the directory that holds it"
    )
