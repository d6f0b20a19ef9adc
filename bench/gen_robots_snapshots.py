#!/usr/bin/env python3
"""bench/gen_robots_snapshots.py — snapshots of robots.txt captures for
bench/audit.sh: SNAPSHOTS archives (.warc.gz, one gzip member per record, as
Common Crawl's robotstxt/ segments) of SITES sites each, and one crawl archive
with one page per site (what `ccsig scan --robots` needs to read every
capture). Deterministic: the same arguments write the same bytes.

    gen_robots_snapshots.py DIR SITES SNAPSHOTS

Each site has one of a dozen robots.txt layouts (crawl rules, AI blocklists
of 24 agents with an RSL License line, a Crawl-delay between user-agent lines
where Google's and the naive reading differ, Content-Usage with a CC signal,
Content-Signal, an empty file, 404 and 503 answers), padded with typical CMS
rules to 0.3-3 KB; a tenth of the sites change layout at every snapshot.
"""
import gzip
import os
import sys

AI = ["GPTBot", "ChatGPT-User", "OAI-SearchBot", "CCBot", "ClaudeBot", "anthropic-ai",
      "Claude-Web", "Google-Extended", "Applebot-Extended", "Bytespider", "PerplexityBot",
      "Amazonbot", "FacebookBot", "meta-externalagent", "Diffbot", "cohere-ai",
      "ImagesiftBot", "Omgilibot", "omgili", "YouBot", "Timpibot", "AI2Bot", "img2dataset",
      "PetalBot"]
PAD = "".join("Disallow: /wp-content/plugins/%d/\nDisallow: /*?replytocom=%d\n" % (k, k)
              for k in range(40))


def body(v, i):
    pad = PAD[: 300 + (i * 37) % 2500]
    if v == 0:
        return "User-agent: *\nDisallow: /admin/\n" + pad
    if v == 1:
        return "User-agent: GPTBot\nDisallow: /\n\nUser-agent: *\nDisallow: /search\n" + pad
    if v == 2:
        return ("User-agent: msnbot\nCrawl-delay: 5\nUser-agent: GPTBot\nUser-agent: CCBot\n"
                "Disallow: /\n\nUser-agent: *\n" + pad)
    if v == 3:
        return "User-agent: *\nDisallow: /\n"
    if v == 4:
        return ("User-agent: *\nContent-Usage: train-ai=n;exceptions=cc-cr\n" + pad +
                "Sitemap: https://site%d.example/sitemap.xml\n" % i)
    if v == 5:
        return "User-agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n" + pad
    if v == 6:
        return ("License: https://site%d.example/license.xml\n" % i +
                "".join("User-agent: %s\nDisallow: /\n\n" % a for a in AI) +
                "User-agent: *\n" + pad)
    if v == 7:
        return ""
    if v == 8:
        return ("User-agent: Googlebot\nSitemap: https://site%d.example/s.xml\n"
                "User-agent: *\nDisallow: /private/\n" % i + pad)
    return "User-agent: *\nDisallow: /cgi-bin/\n" + pad


def record(uri, date, status, payload, rid):
    reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[status]
    http = ("HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
            % (status, reason, len(payload))).encode() + payload
    head = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Date: %s\r\n"
            "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-%012d>\r\n"
            "WARC-Target-URI: %s\r\nContent-Type: application/http; msgtype=response\r\n"
            "Content-Length: %d\r\n\r\n" % (date, rid, uri, len(http))).encode()
    return gzip.compress(head + http + b"\r\n\r\n", compresslevel=6, mtime=0)


def main():
    out, sites, snaps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    for s in range(snaps):
        date = "%04d-%02d-01T00:00:00Z" % (2024 + s // 2, 1 + 6 * (s % 2))
        with open(os.path.join(out, "robots-%d.warc.gz" % s), "wb") as f:
            for i in range(sites):
                v = ((i * 2654435761) >> 7) % 12
                if i % 10 == s % 10:
                    v = (v + s) % 12
                uri = "https://site%d.example/robots.txt" % i
                status = 404 if v == 10 else 503 if v == 11 else 200
                f.write(record(uri, date, status, body(v, i).encode(), s * sites + i))
    with open(os.path.join(out, "crawl.warc.gz"), "wb") as f:
        for i in range(sites):
            page = b"<html><head><title>p</title></head><body>page</body></html>"
            f.write(record("https://site%d.example/page" % i, "2024-01-02T00:00:00Z", 200,
                           page, 10**11 + i))


main()
