"""ccsig.explain against `ccsig explain --json` on every golden case of
tests/golden/explain, and the errors it raises."""

from __future__ import annotations

import pytest

import ccsig
from conftest import json_lines, run_cli


def explain_cases(source):
    for d in sorted((source / "tests/golden/explain").iterdir()):
        args = (d / "args").read_text().split("\n")[:-1]
        yield d.name, args


def parse(args):
    assert args[0] == "explain"
    kw, exprs, i = {}, [], 1
    while i < len(args):
        a = args[i]
        if a == "--json":
            pass
        elif a in ("--use", "--commit", "--purpose"):
            kw[a[2:]] = args[i + 1]
            i += 1
        elif a.startswith("-") and a != "-" or a == "":
            if a == "":
                exprs.append(a)
            else:
                return None, None
        else:
            exprs.append(a)
        i += 1
    if kw.get("commit") == "none":
        kw["commit"] = None
    return exprs, kw


def test_golden_explain_cases(cli, source):
    compared = 0
    for name, args in explain_cases(source):
        if args[1:] in (["-V"], ["--version"]):
            # a convention of every subcommand, not an explanation: the
            # version printed is the library's, which the package reports too
            ref = run_cli(cli, args)
            assert ref.returncode == 0, name
            assert ref.stdout.decode() == f"ccsig {ccsig.library_version()}\n", name
            continue
        exprs, kw = parse(args)
        if exprs is None:  # --help
            continue
        ref = run_cli(cli, ["explain", "--json"] + [a for a in args[1:] if a != "--json"])
        if ref.returncode == 2:
            # bad usage for the command: a UsageError here (or nothing to explain)
            if exprs:
                with pytest.raises(ccsig.UsageError):
                    ccsig.explain(*exprs, **kw)
            continue
        (want,) = json_lines(ref.stdout)
        # the one exit rule (ccsig(1)): 1 exactly when the decision is not-permitted
        assert ref.returncode == (1 if want["decision"] and want["decision"]["result"] == "not-permitted" else 0), name
        got = ccsig.explain(*exprs, **kw)
        assert got == want, name
        compared += 1
    assert compared >= 18


def test_golden_json_files_equal(source):
    d = source / "tests/golden/explain/cc-cr-json-decision"
    (want,) = json_lines((d / "stdout").read_bytes())
    got = ccsig.explain("train-ai=n;exceptions=cc-cr", use="train-ai", commit="credit")
    assert got == want


def test_strict_raises_with_position():
    with pytest.raises(ccsig.ParseError) as e:
        ccsig.explain("train-ai=y", "train-ai=n, Search=", strict=True)
    err = e.value
    assert err.file == "expression 2"
    assert err.status == "syntax"
    assert err.offset == 12 and err.column == 13 and err.line == 1
    assert str(err).startswith("expression 2:1:13: expected a key")


def test_invalid_expression_is_an_answer():
    r = ccsig.explain("Train-AI=n")
    assert r["valid"] is False
    assert r["error"]["expression"] == 1
    assert all(c["state"] == "unknown" for c in r["categories"].values())


def test_bad_profile():
    with pytest.raises(ccsig.UsageError, match="painting"):
        ccsig.explain("train-ai=n", use="painting")
    with pytest.raises(ccsig.UsageError):
        ccsig.explain("train-ai=n", use="train-ai", commit=["credit", "money"])
    with pytest.raises(ccsig.UsageError):
        ccsig.explain()
