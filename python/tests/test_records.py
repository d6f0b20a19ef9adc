"""ccsig._records: the package's JSON reading. Lines (the scan's annotation
lines) must give exactly json.loads of each line -- the same values, the
same key order -- whether a line's categories and decision are parsed or
copied from an earlier line's, and every record must own its objects."""

from __future__ import annotations

import json

import pytest

import ccsig
from ccsig import _records
from conftest import run_cli


@pytest.fixture(scope="module")
def annotation(cli, sample, tmp_path_factory) -> str:
    """The command's annotation of the sample crawl (real lines)."""
    out = tmp_path_factory.mktemp("records") / "a.jsonl"
    r = run_cli(cli, ["scan", "--quiet", "--use", "train-ai", "--commit", "credit", "--robots",
                      str(sample / "robots.warc.gz"), "--annotate", str(out), str(sample / "crawl.warc.gz")])
    assert r.returncode in (0, 1), r.stderr
    return out.read_text("utf-8")


def _same(got: list, text: str) -> None:
    want = [json.loads(l) for l in text.splitlines()]
    assert got == want
    # the same key order too (json.dumps shows it)
    assert [json.dumps(g) for g in got] == [json.dumps(w) for w in want]


@pytest.mark.parametrize("limit", [512, 1])
def test_lines_equal_json_loads_of_the_command_lines(annotation, limit):
    lines = annotation.splitlines(keepends=True)
    assert len(lines) > 100
    spans = [l[l.index(',"categories":'):l.index(',"sources":')] for l in lines]
    assert len(set(spans)) < len(spans) / 4, "the sample repeats categories and decisions"
    parser = _records.Lines(limit=limit)
    got = []
    # in pieces, as the reads of the pipe come: whole lines each time
    for k in range(0, len(lines), 37):
        got += parser.parse("".join(lines[k : k + 37]))
    _same(got, annotation)
    if limit > 1:
        assert parser._copiers, "repeated lines were copied, not parsed"


def test_lines_records_own_their_objects(annotation):
    recs = list(_records.Lines().parse(annotation))
    pairs = [(a, b) for a, b in zip(recs, recs[1:]) if a["categories"] == b["categories"]]
    pairs += [(a, b) for i, a in enumerate(recs) for b in recs[i + 1 : i + 40] if a["categories"] == b["categories"]]
    assert pairs, "the sample has records with the same categories"
    for a, b in pairs:
        assert a["categories"] is not b["categories"] and a["decision"] is not b["decision"]
        for cat, v in a["categories"].items():
            w = b["categories"][cat]
            assert v is not w and v["conditions"] is not w["conditions"] and v["exceptions"] is not w["exceptions"]
            assert v["current_reading"] is not w["current_reading"]
            assert v["current_reading"]["conditions"] is not w["current_reading"]["conditions"]
    # changing one record changes no other (nor the records parsed later)
    want = [json.loads(l) for l in annotation.splitlines()]
    a, b = pairs[0]
    a["categories"]["train-ai"]["conditions"].append("changed")
    a["categories"]["search"]["current_reading"]["state"] = "changed"
    a["decision"]["missing"].append("changed")
    a["decision"]["result"] = "changed"
    i = next(k for k, r in enumerate(recs) if r is a)
    assert recs[:i] + recs[i + 1 :] == want[:i] + want[i + 1 :]
    assert b["categories"]["train-ai"]["conditions"][-1:] != ["changed"]


def test_lines_other_shapes_equal_json_loads():
    """Lines that are not the annotation's shape -- the markers nested in
    another object, other members between categories and sources, no
    categories, escapes and numbers -- are json.loads of each line too,
    also the third time they come (when the text was learnt)."""
    odd = [
        # "categories" and "decision" in a nested object, the line's own later
        '{"a":{"b":1,"categories":{"x":[1,{"y":null}]},"decision":null,"sources":[]},"categories":5,"decision":false,"sources":[]}',
        # a member between decision and sources: parsed whole
        '{"url":"u","categories":{"a":{"b":[]}},"decision":{"c":[1.5,-2e3]},"x":1,"sources":[{"k":"v"}],"robots":"found"}',
        # no categories at all
        '{"url":"https://example.com/?q=\\"a\\",\\"categories\\":1","n":[true,false,null]}',
        # escapes, non-ASCII, floats and empty containers in the copied part
        '{"url":"caf\\u00e9","categories":{"t\\u00e4":{"l":"\\"q\\"\\n","f":0.1,"e":[],"o":{}}},"decision":{"r":[[],[{}]]},"sources":[]}',
        # the holes' values: the line's categories and decision are 0 themselves
        '{"url":"z","categories":0,"decision":0,"sources":[]}',
    ]
    text = "".join(l + "\n" for l in odd * 3)
    _same(list(_records.Lines().parse(text)), text)


def test_lines_many_texts_of_one_length():
    """Twenty categories texts of the same length (one digit apart), each
    three times, interleaved: json.loads of each line; 8 kept a length."""
    lines = [f'{{"url":"u{k}","categories":{{"a":{{"n":"{k:02d}","l":["{k:02d}"]}}}},"decision":{{"r":"x"}},"sources":[]}}'
             for k in range(20)]
    text = "".join(l + "\n" for l in lines * 3)
    p = _records.Lines()
    _same(list(p.parse(text)), text)
    assert p._copiers and all(len(v) <= 8 for v in p._copiers.values())


def test_lines_bad_json_is_a_value_error():
    with pytest.raises(ValueError):
        list(_records.Lines().parse('{"url":"u",}\n'))
    p = _records.Lines()
    line = '{"url":"u","categories":{"a":[1]},"decision":null,"sources":[]}\n'
    list(p.parse(line * 2))  # learnt
    with pytest.raises(ValueError):
        list(p.parse('{"url":"u","categories":{"a":[1]},"decision":null,"sources":[}\n'))


def test_loads_is_json_loads():
    for text in ['{"a": [1, 2.5, "x\\u00e9"], "b": null}\n', " [] ", '"s"', "-0.0"]:
        assert _records.loads(text) == json.loads(text)
    for bad in ["", "{", '{"a":1} x', "[1,]"]:
        with pytest.raises(ValueError):
            _records.loads(bad)
    assert isinstance(ccsig.explain("train-ai=n", use="train-ai"), dict)
