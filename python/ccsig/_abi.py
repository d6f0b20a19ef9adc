"""The rest of the libccsig ABI as ctypes sees it (see ._lib): the
structures of evaluation, robots.txt and live checking and the prototypes
of the functions that take them, imported by ._lib the first time one is
asked for. python/tests/test_layout.py compares every structure in STRUCTS
with the installed headers."""

from __future__ import annotations

from ctypes import (
    POINTER,
    Structure,
    c_bool,
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

from ._lib import (
    CAT_COUNT,
    Buf,
    Error,
    Profile,
    RobotsStoreOptions,
    ScanProfile,
    ScanProgress,
    ScanSessionOptions,
    ScanSink,
    Str,
)


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
    "ccsig_arena_init": (None, [P(Arena), c_size_t]),
    "ccsig_arena_reset": (None, [P(Arena)]),
    "ccsig_arena_free": (None, [P(Arena)]),
    "ccsig_statement_init": (None, [P(Statement), c_int]),
    "ccsig_pref_parse": (c_int, [P(Arena), c_char_p, c_size_t, P(Statement), P(Warnings), P(Error)]),
    "ccsig_warnings_init": (None, [P(Warnings), P(Arena)]),
    "ccsig_warning_message": (None, [P(Warning_), c_char_p, c_size_t]),
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
}

FETCH = {
    "ccsig_fetch_opts_default": (None, [P(FetchOpts)]),
    "ccsig_checker_new": (c_int, [P(CheckOpts), P(c_void_p), P(Error)]),
    "ccsig_checker_free": (None, [c_void_p]),
    "ccsig_url_check_new": (c_void_p, []),
    "ccsig_url_check_free": (None, [c_void_p]),
    "ccsig_fetch_evaluate_url": (c_int, [c_void_p, c_void_p, c_char_p, P(P(UrlResult))]),
}
