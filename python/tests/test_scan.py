"""ccsig.scan over the sample crawl against `ccsig scan --annotate` (the
records) and `--credit` (the manifest), with 1 and 2 threads."""

from __future__ import annotations

import pytest

import ccsig
from conftest import json_lines, run_cli

PROFILE = ["--use", "train-ai", "--commit", "credit"]


@pytest.fixture(scope="module")
def reference(cli, sample, source, tmp_path_factory):
    work = tmp_path_factory.mktemp("scan")
    archives = [str(sample / "crawl.warc.gz"), str(source / "tests/data/scan/site.warc")]
    out = {}
    for fmt in ("json", "md", "csv"):
        r = run_cli(cli, ["scan", "--quiet", *PROFILE, "--robots", str(sample / "robots.warc.gz"), "--threads", "2",
                          "--annotate", str(work / "a.jsonl"), "--credit", str(work / f"credit.{fmt}"), *archives])
        assert r.returncode in (0, 1, 2), r.stderr  # 1 not permitted, 2 damaged records
        out[fmt] = (work / f"credit.{fmt}").read_text()
    out["records"] = json_lines((work / "a.jsonl").read_bytes())
    out["archives"] = archives
    out["rc"] = r.returncode
    return out


@pytest.mark.parametrize("threads", [1, 2])
def test_scan_records_and_credit_equal_the_command(reference, sample, threads):
    s = ccsig.scan(reference["archives"], use="train-ai", commit="credit", robots=sample / "robots.warc.gz", threads=threads)
    records = list(s)
    assert len(records) == len(reference["records"]) > 100
    assert records == reference["records"]
    assert s.credit() == __import__("json").loads(reference["json"])
    assert s.credit_text("json") == reference["json"]
    assert s.credit_text("md") == reference["md"]
    assert s.credit("csv") == reference["csv"]
    assert s.credit()["parties"], "the sample owes credit"
    summary = s.summary()
    assert summary["type"] == "ccsig-scan-summary"
    assert bool(s.damage) == (reference["rc"] == 2)


def test_scan_small_chunks_and_open_files(reference, sample):
    files = [open(a, "rb") for a in reference["archives"]]
    try:
        s = ccsig.scan(files, use="train-ai", commit="credit", robots=[sample / "robots.warc.gz"], threads=2, chunk=65536)
        recs = list(s)
    finally:
        for f in files:
            f.close()
    assert recs == reference["records"]


def test_scan_read_buffer_smaller_than_a_line(reference, sample, monkeypatch):
    """The pipe read into a buffer shorter than a line: the buffer grows,
    partial lines are kept, the records are the same."""
    monkeypatch.setattr(ccsig.Scan, "_READ", 100)
    s = ccsig.scan(reference["archives"], use="train-ai", commit="credit", robots=sample / "robots.warc.gz", threads=2)
    assert list(s) == reference["records"]


def test_scan_stop_early_and_unreadable(reference, sample, tmp_path):
    s = ccsig.scan(reference["archives"], use="train-ai", threads=2)
    it = iter(s)
    first = next(it)
    assert first["url"] == reference["records"][0]["url"]
    it.close()  # the session finishes unheard; nothing hangs
    missing = tmp_path / "missing.warc.gz"
    s = ccsig.scan([missing, sample / "crawl.warc.gz"], threads=2)
    n = 0
    with pytest.raises(ccsig.ArchiveError) as e:
        for _ in s:
            n += 1
    assert n > 100, "the readable archive is scanned"
    assert e.value.file == str(missing)
    assert "cannot read" in str(e.value)
    with pytest.raises(ccsig.UsageError):
        list(s)
    with pytest.raises(ccsig.UsageError):
        ccsig.scan([], threads=1)


def test_scan_without_annotation(reference, sample):
    s = ccsig.scan(reference["archives"], use="train-ai", commit="credit", robots=sample / "robots.warc.gz", annotate=False).run()
    assert s.credit_text("md") == reference["md"]


@pytest.mark.parametrize("status", ["any", "2xx,4xx"])
def test_scan_status_equals_the_command(cli, sample, reference, tmp_path, status):
    """status= is --status: the same summary (used, excluded by status) and
    credit as the command; a bad set is a UsageError with the library's words."""
    r = run_cli(cli, ["scan", "--quiet", *PROFILE, "--robots", str(sample / "robots.warc.gz"), "--status", status,
                      "--credit", str(tmp_path / "credit.json"), "--summary", "--json", *reference["archives"]])
    assert r.returncode in (0, 1, 2), r.stderr
    want = __import__("json").loads(r.stdout)
    s = ccsig.scan(reference["archives"], use="train-ai", commit="credit", robots=sample / "robots.warc.gz",
                   status=status, annotate=False).run()
    got = s.summary()
    assert got["profile"]["status"] == want["profile"]["status"]
    assert got["used"] == want["used"]
    assert s.credit_text("json") == (tmp_path / "credit.json").read_text()
    default = ccsig.scan(reference["archives"], use="train-ai", commit="credit", robots=sample / "robots.warc.gz",
                         annotate=False).run().summary()
    assert got["used"]["records"] > default["used"]["records"]  # the site's 404 page counts now
    with pytest.raises(ccsig.UsageError, match="5yz|status"):
        ccsig.scan(reference["archives"], use="train-ai", status="5yz")
