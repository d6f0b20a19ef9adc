"""ccsig.evaluate and ccsig.Robots against `ccsig check --json` on every
offline golden case of tests/golden/check (--robots, --header, --response),
and the robots.txt matcher on its own."""

from __future__ import annotations

import pytest

import ccsig
from conftest import json_lines, run_cli


def parse(args):
    kw, headers, urls, i = {}, [], [], 1
    robots = response = None
    while i < len(args):
        a = args[i]
        if a == "--json":
            pass
        elif a in ("--use", "--commit", "--purpose", "--agent"):
            kw[a[2:]] = args[i + 1]
            i += 1
        elif a == "--robots":
            robots = args[i + 1]
            i += 1
        elif a == "--response":
            response = args[i + 1]
            i += 1
        elif a == "--header":
            name, _, value = args[i + 1].partition(":")
            headers.append((name, value))
            i += 1
        elif a.startswith("--"):
            return None
        else:
            urls.append(a)
        i += 1
    if kw.get("commit") == "none":
        kw["commit"] = None
    return kw, headers, urls, robots, response


def offline_cases(source):
    for d in sorted((source / "tests/golden/check").iterdir()):
        if not (d / "args").exists():
            continue
        args = (d / "args").read_text().split("\n")[:-1]
        if "--robots" in args or "--response" in args:
            yield d, args


def test_golden_check_cases(cli, source):
    compared = 0
    for d, args in offline_cases(source):
        parsed = parse(args)
        stdin = (d / "stdin").read_bytes() if (d / "stdin").exists() else b""
        ref = run_cli(cli, ["check", "--json"] + [a for a in args[1:] if a != "--json"], cwd=d, stdin=stdin)
        if ref.returncode not in (0, 1) or parsed is None:  # 1: a decision is not-permitted
            continue
        kw, headers, urls, robots_path, response_path = parsed
        robots = None
        if robots_path:
            text = stdin if robots_path == "-" else (d / robots_path).read_bytes()
            robots = ccsig.Robots(text, robots_path)
        if response_path:
            data = stdin if response_path == "-" else (d / response_path).read_bytes()
            url = urls[0] if urls else None
            got = [ccsig.evaluate(url, response=data, name=response_path, robots=robots, **kw)]
        else:
            if not urls:
                urls = [l.strip() for l in stdin.decode().splitlines() if l.strip()]
            got = [ccsig.evaluate(u, headers=headers or None, robots=robots, **kw) for u in urls]
        assert got == json_lines(ref.stdout), d.name
        compared += 1
    assert compared >= 15


def test_robots_allowed_and_preferences(cli, source, tmp_path):
    path = source / "tests/golden/check/fixtures/museum.txt"
    r = ccsig.Robots.from_file(path)
    assert r.info["groups"] >= 1
    urls = ["/", "/collection/a.jpg", "/private/x", "/robots.txt", "https://h.example/collection/?q=1"]
    for agent in ["*", "GPTBot", "ExampleBot/1.0", "CCBot"]:
        ref = json_lines(run_cli(cli, ["check", "--json", "--robots", str(path), "--agent", agent, "--use", "train-ai", *urls]).stdout)
        for url, want in zip(urls, ref):
            assert r.allowed(url, agent) == (want["crawl"] == "allowed"), (agent, url)
            assert r.preferences(url, agent, use="train-ai") == want, (agent, url)


def test_robots_disallow_and_thread_safety():
    import threading

    r = ccsig.Robots("User-agent: *\nDisallow: /private\nContent-Usage: train-ai=n\n", "robots.txt")
    assert not r.allowed("/private/x")
    assert r.allowed("/public")
    results = []

    def work():
        results.append(all(r.allowed("/p") and not r.allowed("/private") for _ in range(500)))

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert results == [True] * 4
    p = r.preferences("/public", use="train-ai")
    assert p["decision"]["result"] == "not-permitted"
    assert p["sources"][0] == {"kind": "robots", "line": 3, "text": "Content-Usage: train-ai=n", "origin": "robots.txt"}


def test_evaluate_headers_body_equals_response(source):
    data = (source / "tests/golden/check/fixtures/responses/page.http").read_bytes()
    head, _, body = data.partition(b"\r\n\r\n")
    if not body:
        head, _, body = data.partition(b"\n\n")
    fields = [tuple(x.strip() for x in l.split(":", 1)) for l in head.decode().splitlines()[1:]]
    a = ccsig.evaluate("https://example.org/page", response=data, use="train-ai")
    b = ccsig.evaluate("https://example.org/page", headers=fields, body=body, status=200, use="train-ai")
    for k in ("categories", "decision", "sources", "links", "notes"):
        assert a[k] == b[k], k
    assert a["decision"]["result"] == "not-permitted"


def test_evaluate_usage_errors():
    with pytest.raises(ccsig.UsageError):
        ccsig.evaluate("u", response=b"HTTP/1.1 200 OK\r\n\r\n", headers={"a": "b"})
    with pytest.raises(ccsig.UsageError):
        ccsig.evaluate(response=b"x", robots=ccsig.Robots(""))
    with pytest.raises(ccsig.ArchiveError) as e:
        ccsig.Robots.from_file("/nonexistent/robots.txt")
    assert e.value.file == "/nonexistent/robots.txt"
