"""ccsig.Filter: keep/drop with the annotation, on records of the shapes
dataset pipelines hold."""

from __future__ import annotations

import ccsig

PAGE = "tests/golden/check/fixtures/responses/page.http"


def test_filter_on_responses_headers_and_raw_blocks(source):
    data = (source / PAGE).read_bytes()
    f = ccsig.Filter("train-ai")
    keep, ann = f({"url": "https://example.org/page", "response": data})
    assert keep is False
    assert ann["decision"]["result"] == "not-permitted"
    assert ann == ccsig.evaluate("https://example.org/page", response=data, name="https://example.org/page", use="train-ai")
    head, _, body = data.partition(b"\r\n\r\n")
    keep2, ann2 = f({"url": "https://example.org/page", "headers": head, "body": body})
    assert (keep2, ann2["sources"]) == (False, ann["sources"])
    # nothing stated: kept when keep_unknown (the default), dropped otherwise
    plain = {"url": "https://x.example/a", "headers": {"Content-Type": "text/html"}, "body": b"<html><head></head></html>"}
    assert f.keep(plain) is True
    assert ccsig.Filter("train-ai", keep_unknown=False).keep(plain) is False
    # permitted with obligations when the reuser commits to credit
    cr = {"url": "https://x.example/b", "headers": [("Content-Usage", "train-ai=n;exceptions=cc-cr")], "body": b""}
    assert f.keep(cr) is False
    keep3, ann3 = ccsig.Filter("train-ai", commit="credit")(cr)
    assert keep3 is True and ann3["decision"]["obligations"] == ["credit"]


def test_filter_with_robots_and_attribute_records():
    class Rec:
        def __init__(self, url):
            self.url = url
            self.headers = {"Content-Type": "text/plain"}
            self.body = b"hello"

    robots = ccsig.Robots("User-agent: *\nDisallow: /private\n", "robots.txt")
    f = ccsig.Filter("train-ai", robots=lambda url: robots if "example.org" in url else None)
    assert f.keep(Rec("https://example.org/private/1")) is False
    assert f.keep(Rec("https://example.org/public/1")) is True
    rec = f.annotate({"url": "https://example.org/private/1", "headers": {}, "body": b""})
    assert rec["ccsig"]["crawl"] == "disallowed" and rec["ccsig"]["keep"] is False
    kept = list(filter(f.keep, [Rec("https://example.org/a"), Rec("https://example.org/private/b")]))
    assert [r.url for r in kept] == ["https://example.org/a"]


def test_readme_example_runs(source):
    """The example in python/README.md runs as written."""
    text = (source / "python/README.md").read_text()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    ns = {"__name__": "readme", "PAGE": str(source / PAGE)}
    exec(compile(code, "README.md", "exec"), ns)
    assert ns["kept"] == [] and len(ns["dropped"]) == 2
