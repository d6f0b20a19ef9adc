#!/usr/bin/env python3
"""Generate the damaged-archive corpus of the scan.damage test.

usage: damage_corpus.py SOURCE.warc.gz OUTDIR

SOURCE is a WARC file with one gzip member per record (the sample crawl
bench/gen_crawl writes, or any Common Crawl style file). Its records are read
here with Python's zlib, independently of ccsig. Each kind of damage of
issue 18 is applied to a copy, written in four forms:

    NAME.warc         plain
    NAME.warc.gz      one gzip member per record
    NAME.whole.gz     the whole file as one gzip member
    NAME.warc.zst     one zstd frame per record (the zstd command line tool)

and for each archive ARCHIVE.expect lists, one per line,
    intact RECORD-ID   a response or revisit whose bytes are untouched and
                       readable: the scan must annotate it
    damaged RECORD-ID  a response or revisit whose bytes are damaged: the
                       scan must not annotate it
Records neither listed (requests, metadata) are not annotated by ccsig scan.
OUTDIR/LIST names every archive generated.
"""
import os
import re
import subprocess
import sys
import tempfile
import zlib

MIB = 1 << 20


def read_members(path):
    data = open(path, "rb").read()
    recs = []
    while data:
        d = zlib.decompressobj(31)
        recs.append(d.decompress(data))
        if not d.eof:
            sys.exit("damage_corpus: %s: a cut gzip member" % path)
        data = d.unused_data
    return recs


def field(rec, name):
    head = rec[: rec.index(b"\r\n\r\n")]
    m = re.search(rb"\r\n" + name + rb":[ \t]*([^\r\n]*)", head, re.I)
    return m.group(1).strip() if m else None


def annotated(rec):
    """ccsig scan annotates responses and revisits."""
    return field(rec, b"WARC-Type") in (b"response", b"revisit")


def set_length(rec, value):
    return re.sub(rb"\r\nContent-Length:[ \t]*[0-9]+", b"\r\nContent-Length: " + value, rec, count=1)


def gzip_member(b):
    c = zlib.compressobj(1, zlib.DEFLATED, 31)
    return c.compress(b) + c.flush()


def zstd_frames(blobs):
    """One zstd frame per blob, by the zstd command line tool."""
    out = []
    with tempfile.TemporaryDirectory() as t:
        names = []
        for i, b in enumerate(blobs):
            n = os.path.join(t, "%05d" % i)
            with open(n, "wb") as f:
                f.write(b)
            names.append(n)
        for k in range(0, len(names), 500):
            subprocess.run(["zstd", "-q", "-3", "--check"] + names[k : k + 500], check=True)
        for n in names:
            out.append(open(n + ".zst", "rb").read())
    return out


class Archive:
    """A list of parts: ("rec", bytes, intact) records and ("raw", bytes)
    bytes placed as they are in the stream (plain and whole-file forms) and
    between members (per-record forms); ("tail", bytes) is appended to every
    form's file as it is (a zero-filled tail)."""

    def __init__(self, recs):
        self.parts = [["rec", r, True] for r in recs]
        self.member_edit = {}  # part index -> function(compressed member) -> bytes
        self.whole_edit = None  # function(whole gzip, offsets of parts) -> bytes
        self.head = b""  # bytes before the first member (per-record forms)
        self.lost_whole = set()  # parts damaged in the whole-file form only
        self.lost_member = set()  # parts damaged in the per-record forms only


def write_forms(name, a, out, listing):
    plain = b"".join(p[1] for p in a.parts if p[0] != "tail")
    tail = b"".join(p[1] for p in a.parts if p[0] == "tail")
    forms = {}
    forms["warc"] = (a.head + plain + tail, set())
    # per-record gzip and zstd
    blobs = [p[1] for p in a.parts if p[0] != "tail"]
    gz = [gzip_member(b) for b in blobs]
    zs = zstd_frames(blobs)
    for form, members in (("warc.gz", gz), ("warc.zst", zs)):
        body = bytearray(a.head)
        k = 0
        for i, p in enumerate(a.parts):
            if p[0] == "tail":
                continue
            m = members[k]
            k += 1
            if p[0] == "raw":
                m = p[1]  # garbage between members stays as it is
            if i in a.member_edit:
                m = a.member_edit[i](m, form)
            body += m
        forms[form] = (bytes(body) + tail, a.lost_member)
    whole = gzip_member(plain)
    lost = set(a.lost_whole)
    if a.whole_edit:
        whole, lost = a.whole_edit(whole, plain, a)
    forms["whole.gz"] = (a.head + whole + tail, lost)
    if a.member_edit:  # damage in compressed bytes: the plain form is the clean one
        del forms["warc"]
        if not a.whole_edit:
            del forms["whole.gz"]
    for form, (data, lost_extra) in forms.items():
        path = os.path.join(out, "%s.%s" % (name, form))
        with open(path, "wb") as f:
            f.write(data)
        with open(path + ".expect", "w") as f:
            for i, p in enumerate(a.parts):
                if p[0] != "rec" or not annotated(p[1]):
                    continue
                ok = p[2] and i not in lost_extra
                f.write("%s %s\n" % ("intact" if ok else "damaged", field(p[1], b"WARC-Record-ID").decode()))
        listing.append(os.path.basename(path))


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    recs = read_members(src)[:450]  # enough for every kind, quick to scan
    n = len(recs)
    resp = [i for i, r in enumerate(recs) if annotated(r)]
    listing = []

    def victim(frac):  # a response about frac of the way in
        return resp[int(len(resp) * frac)]

    # clean: the baseline, every response annotated
    write_forms("clean", Archive(recs), out, listing)

    # 1. no 'W' for megabytes: a zero-filled tail after a cut, lowercase text
    # between records, a 5 MB header line
    a = Archive(recs[: victim(0.5)])
    a.parts.append(["tail", b"\0" * 5000000, True])
    write_forms("zero-tail", a, out, listing)
    a = Archive(recs)
    k = victim(0.3)
    a.parts.insert(k, ["raw", b"abcdefghijklmnopqrstuvwxyz\n" * (5000000 // 27), True])
    write_forms("lowercase", a, out, listing)
    a = Archive(recs)
    k = victim(0.6)
    r = a.parts[k][1]
    a.parts[k][1] = r.replace(b"\r\nWARC-Target-URI: ", b"\r\nWARC-Target-URI: http://x/" + b"a" * 5000000, 1)
    a.parts[k][2] = False
    write_forms("huge-line", a, out, listing)

    # 2. a wrong Content-Length: absurd, several MiB too many, a few bytes off
    for name, frac, fn in (
        ("cl-huge", 0.25, lambda cl: b"999999999999999"),
        ("cl-mib", 0.4, lambda cl: b"%d" % (cl + 3 * MIB)),
        ("cl-short", 0.7, lambda cl: b"%d" % (cl - 3)),
    ):
        a = Archive(recs)
        k = victim(frac)
        cl = int(field(a.parts[k][1], b"Content-Length"))
        a.parts[k][1] = set_length(a.parts[k][1], fn(cl))
        a.parts[k][2] = False
        write_forms(name, a, out, listing)

    # 3. a truncated record (plain, whole) or member (per-record forms)
    a = Archive(recs)
    k = victim(0.45)
    cut = a.parts[k][1]
    a.parts[k][1] = cut[: len(cut) * 3 // 5]
    a.parts[k][2] = False
    write_forms("truncated", a, out, listing)
    a = Archive(recs)
    k = victim(0.55)
    a.member_edit[k] = lambda m, form: m[: len(m) * 3 // 5]
    a.lost_member = {k}
    write_forms("cut-member", a, out, listing)

    # 4. garbage before the first member or frame
    a = Archive(recs)
    a.head = b"\x00garbage"
    write_forms("head-garbage", a, out, listing)

    # 5. one flipped byte in a record's compressed bytes (per-record forms:
    # that member; whole-file form: the same record's place in the stream)
    a = Archive(recs)
    k = victim(0.35)

    def flip(m, form):
        b = bytearray(m)
        b[len(b) // 2] ^= 0x10
        return bytes(b)

    a.member_edit[k] = flip
    a.lost_member = {k}

    def whole_flip(whole, plain, arch):
        # flip the compressed byte at the victim's decompressed middle
        pos = sum(len(p[1]) for p in arch.parts[:k] if p[0] != "tail") + len(arch.parts[k][1]) // 2
        at = int(len(whole) * pos / len(plain))
        b = bytearray(whole)
        b[at] ^= 0x10
        b = bytes(b)
        # The member's CRC-32 fails: it vouches for none of its records,
        # so every record of the file (its only member) counts as damaged.
        return b, {i for i, p in enumerate(arch.parts) if p[0] == "rec"}

    a.whole_edit = whole_flip
    write_forms("flip", a, out, listing)

    # 7. ARC files (the Internet Archive's format before WARC): the responses
    # rewritten as ARC v1 records after a filedesc:// header, plain and one
    # gzip member per record; clean, with a wrong length and with a cut record.
    # ARC records have no record ID: the expectations name them by URL.
    arc_recs, seen_urls = [], set()
    for r in recs:
        if field(r, b"WARC-Type") != b"response":
            continue
        url = field(r, b"WARC-Target-URI")
        if url in seen_urls:
            continue
        seen_urls.add(url)
        blk = r[r.index(b"\r\n\r\n") + 4 : -4]
        date = re.sub(rb"[^0-9]", b"", field(r, b"WARC-Date"))[:14]
        arc_recs.append([url, b"%s 192.0.2.1 %s text/html %d\n" % (url, date, len(blk)) + blk + b"\n", True])
    body = b"1 0 ccsig-test\nURL IP-address Archive-date Content-type Archive-length\n"
    filedesc = b"filedesc://test.arc 0.0.0.0 20240101000000 text/plain %d\n" % len(body) + body + b"\n"
    for name in ("arc-clean", "arc-length-huge", "arc-length-mib", "arc-truncated"):
        rs = [list(x) for x in arc_recs]
        k = len(rs) // 3
        if name != "arc-clean":
            url, b, _ = rs[k]
            line, rest = b.split(b"\n", 1)
            parts = line.split(b" ")
            if name == "arc-length-huge":
                parts[-1] = b"999999999999"
            elif name == "arc-length-mib":
                parts[-1] = b"%d" % (int(parts[-1]) + 3 * MIB)
            else:
                rest = rest[: len(rest) // 2]
            rs[k] = [url, b" ".join(parts) + b"\n" + rest, False]
        for form in ("arc", "arc.gz"):
            blobs = [filedesc] + [x[1] for x in rs]
            data = b"".join(blobs) if form == "arc" else b"".join(gzip_member(x) for x in blobs)
            path = os.path.join(out, "%s.%s" % (name, form))
            with open(path, "wb") as f:
                f.write(data)
            with open(path + ".expect", "w") as f:
                for url, _, ok in rs:
                    f.write("%s url:%s\n" % ("intact" if ok else "damaged", url.decode()))
            listing.append(os.path.basename(path))

    # 6. a compression ccsig does not read: named, nothing annotated
    import bz2
    import lzma

    plain = b"".join(recs)
    for name, data in (
        ("unsupported.warc.xz", lzma.compress(plain[: 1 << 20])),
        ("unsupported.warc.bz2", bz2.compress(plain[: 1 << 20])),
        # an LZ4 frame start (magic, descriptor) before stored bytes
        ("unsupported.warc.lz4", b"\x04\x22\x4d\x18\x60\x70\x73" + plain[:65536]),
    ):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        open(os.path.join(out, name + ".expect"), "w").close()
        listing.append(name)

    with open(os.path.join(out, "LIST"), "w") as f:
        f.write("\n".join(listing) + "\n")


main()
