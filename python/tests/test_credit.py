"""ccsig.credit against `ccsig cite --records` and `ccsig verify-credit --json`
on the fixtures of tests/golden/cite and tests/golden/verify-credit: the
same records, the same text in every format, the same verdicts."""

from __future__ import annotations

import json

import pytest

from ccsig import credit
from conftest import run_cli

RECORDS = [
    "tests/golden/verify-credit/fixtures/site-records.json",
    "tests/golden/cite/fixtures/gateway-answer.json",
]


@pytest.mark.parametrize("path", RECORDS)
@pytest.mark.parametrize("fmt", credit.FORMATS)
def test_cite_matches_the_command(cli, source, path, fmt):
    text = (source / path).read_bytes()
    r = run_cli(cli, ["cite", "--format", fmt, "--records", "-"], stdin=text)
    assert r.returncode in (0, 1), r.stderr
    assert credit.cite(text, fmt) == r.stdout.decode()


def test_records(source):
    recs = credit.records((source / RECORDS[0]).read_bytes())
    assert [r["title"] for r in recs] == [
        "Tide Pools of the North Coast & Their Keepers",
        "The Lighthouse Logbooks, 1880-1920",
        "North Coast Species Counts",
        "Sea Anemone at Low Tide",
    ]
    assert recs[0]["license"] == {
        "id": "https://creativecommons.org/licenses/by/4.0/",
        "name": "CC BY 4.0",
        "deed": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert recs[0]["signals"] == ["cc-cr"] and recs[0]["obligations"] == ["credit"]
    # an annotation line of ccsig scan: the link, the decision, the time read
    line = (source / "tests/golden/cite/fixtures/annotations.jsonl").read_text().splitlines()[0]
    (ann,) = credit.records(line)
    assert ann["link"] == "https://museum.example.org/objects/1"
    assert ann["read_at"] == "2025-03-01T10:00:00Z"
    assert ann["result"] == "permitted-with-obligations"
    assert ann["title"] is None


@pytest.mark.parametrize("answer", ["full.md", "partial.md", "none.txt", "full.html", "openai.json"])
def test_verify_matches_the_command(cli, source, answer):
    fx = source / "tests/golden/verify-credit/fixtures"
    r = run_cli(cli, ["verify-credit", "--json", str(fx / answer), "--records", str(fx / "site-records.json")])
    want = json.loads(r.stdout)["sources"]
    got = credit.verify((fx / answer).read_bytes(), (fx / "site-records.json").read_bytes())
    assert [{k: g[k] for k in ("index", "asks_credit", "cited", "ok", "missing")} for g in got] == [
        {k: w[k] for k in ("index", "asks_credit", "cited", "ok", "missing")} for w in want
    ]
    assert r.returncode == (0 if all(w["ok"] for w in want) else 1)


def test_errors():
    with pytest.raises(credit.CreditError, match="1:1"):
        credit.records('{"url": "https://x.example/"}')
    with pytest.raises(credit.CreditError):
        credit.records("{not json")
    with pytest.raises(ValueError):
        credit.cite("[]", "pdf")
    assert credit.records("[]") == []
