"""The article view (extract/view.py): displaCy HTML with our labels, terminal rendering, site, show command."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from _sample import hand_docs, hand_outdir, hand_records
from typer.testing import CliRunner

from extract import view
from extract.cli import app


class Marks(HTMLParser):
    """Collects every <mark class="entity">: its attributes and its own text (without the label)."""

    def __init__(self):
        super().__init__()
        self.marks: list[dict] = []
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self._in: dict | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "mark" and "entity" in (a.get("class") or ""):
            self._in = {**a, "text": ""}
            self._depth = 0
        elif self._in is not None and tag == "span":
            self._depth += 1

    def handle_endtag(self, tag):
        if tag == "mark" and self._in is not None:
            self.marks.append(self._in)
            self._in = None
        elif tag == "span" and self._in is not None:
            self._depth -= 1

    def handle_data(self, data):
        if self._in is not None and self._depth == 0:
            self._in["text"] += data


def parse(html: str) -> Marks:
    p = Marks()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def recs():
    return hand_records()


def test_quantity_labels():
    assert view.quantity_label({"unit": "CNY"}) == "MONEY"
    assert view.quantity_label({"unit": "%"}) == "PERCENT"
    assert view.quantity_label({"unit": "t", "kind": "dimension"}) == "QUANTITY"
    assert view.quantity_label({"unit": None, "kind": "money"}) == "MONEY"


def test_formatting():
    assert view.fmt_quantity({"value": 83680000000, "unit": "CNY", "approx": "about"}) == "≈ 83,680,000,000 CNY"
    assert view.fmt_quantity({"value": 22.5, "unit": "%"}) == "22.5%"
    assert view.fmt_quantity({"value": 10, "value_max": 20.0, "unit": "km", "approx": "over"}) == "> 10–20 km"
    assert view.fmt_period("2024-01-01", "2024-01-01") == "2024-01-01"
    assert view.fmt_period("2024-01-01", "2024-02-29") == "2024-01-01 – 2024-02-29"


def test_overlaps_resolved_dates_then_quantities_then_entities():
    q = [{"start": 0, "end": 5, "unit": "t"}]
    d = [{"start": 3, "end": 8}]
    e = [{"start": 0, "end": 2, "label": "LOC"}, {"start": 9, "end": 11, "label": "ORG"},
         {"start": 9, "end": 12, "label": "ORG"}]
    marks, hidden = view.spans(q, d, e)
    assert [(m["start"], m["end"], m["label"]) for m in marks] == [(0, 2, "LOC"), (3, 8, "DATE"), (9, 12, "ORG")]
    assert hidden == 2  # the quantity under the date, the shorter ORG


def test_page_highlights_every_record(recs):
    doc = recs["documents"][0]
    html = view.doc_page(recs, doc)
    p = parse(html)
    expect = {(r["start"], r["text"]) for k in ("quantities", "dates", "entities") for r in recs[k]
              if r["doc_id"] == doc["doc_id"]}
    assert {(int(m["id"][1:]), m["text"]) for m in p.marks} == expect
    labels = {m["text"]: m["data-label"] for m in p.marks}
    assert labels["约836.8亿元"] == "MONEY" and labels["22.5%"] == "PERCENT" and labels["8700.6万吨"] == "QUANTITY"
    assert labels["今年1月至2月"] == "DATE" and labels["张伟"] == "PERSON" and labels["乌鲁木齐海关"] == "ORG"
    tips = {m["text"]: m["title"] for m in p.marks}
    assert tips["约836.8亿元"] == "≈ 83,680,000,000 CNY"
    assert tips["今年1月至2月"] == "2024-01-01 – 2024-02-29 (range, relative)"
    assert tips["张伟"] == "PERSON · 关长 · 乌鲁木齐海关"
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    # legend chips for the labels present, with their colours
    for label in ("DATE", "MONEY", "PERCENT", "QUANTITY", "PERSON", "ORG", "LOC"):
        assert f'data-label="{label}" style="background:{view.LABELS[label][0]}"' in html
    # the facts table, with the mention linked to the highlighted quantity
    assert html.count('<tr class="fact"') == 2 and "进出口货运量" in html
    assert all(h[1:] in p.ids for h in p.hrefs if h.startswith("#"))
    assert '<a href="#m' in html


def test_page_escapes_text():
    doc = {"doc_id": "x", "text": "<script>x</script>& 1吨", "title": "<t>"}
    html = view.render_html(doc, [{"start": 20, "end": 22, "unit": "t", "value": 1, "text": "1吨"}], [], [], [])
    assert "&lt;script&gt;x&lt;/script&gt;&amp;" in html and "<script" not in html and "&lt;t&gt;" in html
    assert [m["text"] for m in parse(html).marks] == ["1吨"]


def test_terminal_rendering(recs):
    doc = recs["documents"][0]
    plain = view.terminal_page(recs, doc, color=False)
    assert "[约836.8亿元|MONEY]" in plain and "[今年1月至2月|DATE]" in plain and "[张伟|PERSON]" in plain
    assert "\x1b[" not in plain
    assert "新疆口岸 | 进出口货运量 | 87,006,000 t | 2023-01-01 – 2023-12-31 | yoy 22.5%" in plain
    coloured = view.terminal_page(recs, doc, color=True)
    assert f"\x1b[48;5;{view.LABELS['MONEY'][1]}m\x1b[38;5;16m约836.8亿元\x1b[0m" in coloured


def test_site_index_and_pages(tmp_path, recs):
    written = view.write_site(tmp_path, recs)
    assert written[0] == tmp_path / "index.html" and len(written) == 1 + len(recs["documents"])
    index = written[0].read_text(encoding="utf-8")
    p = parse(index)
    for d in recs["documents"]:
        assert view.page_name(d["doc_id"]) in p.hrefs
    # every fact mention links to an existing anchor of an existing page
    for href in (h for h in p.hrefs if "#" in h):
        page, anchor = href.split("#")
        assert anchor in parse((tmp_path / page).read_text(encoding="utf-8")).ids, href
    assert index.count('<tr class="fact"') == len(recs["facts"])


def test_write_html_hook_takes_docs_and_facts(tmp_path):
    docs, facts = hand_docs()
    written = view.write_html(tmp_path / "site", docs, facts)
    assert [p.name for p in written] == ["index.html"] + [view.page_name(d.doc_id) for d in docs]
    assert view.write_run_html(hand_outdir(), tmp_path / "site2")[1].read_text() == written[1].read_text()


def test_show_command_terminal_and_html(tmp_path):
    out = hand_outdir()
    did = hand_records()["documents"][1]["doc_id"]
    r = CliRunner().invoke(app, ["show", did[:6], "--out", str(out), "--no-color"])
    assert r.exit_code == 0, r.output
    assert "[李明|PERSON]" in r.output and "\x1b[" not in r.output
    page = tmp_path / "one.html"
    r = CliRunner().invoke(app, ["show", did, "--out", str(out), "--html", str(page)])
    assert r.exit_code == 0 and "李明" in page.read_text(encoding="utf-8")
    r = CliRunner().invoke(app, ["show", str(out), "--html", str(tmp_path / "site")])
    assert r.exit_code == 0 and (tmp_path / "site" / "index.html").is_file()
    r = CliRunner().invoke(app, ["show", "no-such-id", "--out", str(out)])
    assert r.exit_code == 1 and "no document with that doc_id" in r.output
    r = CliRunner().invoke(app, ["show", "no-such-id", "--out", str(tmp_path / "nothing")])
    assert r.exit_code == 1


def test_show_command_on_an_input_file(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("2023年，新疆口岸进出口货运量达8700.6万吨。\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["show", str(f), "--no-color", "--ref-date", "2024-03-01"])
    assert r.exit_code == 0, r.output
    assert "[2023年|DATE]" in r.output and "[8700.6万吨|QUANTITY]" in r.output
    r = CliRunner().invoke(app, ["show", str(f), "--html", str(tmp_path / "a.html")])
    assert r.exit_code == 0
    marks = parse(Path(tmp_path / "a.html").read_text(encoding="utf-8")).marks
    assert ("2023年", "DATE") in {(m["text"], m["data-label"]) for m in marks}


def test_run_html_option(tmp_path):
    """``zh-extract run --html DIR`` (wired by the lead to view.write_run_html) writes the site."""
    import typer

    run = typer.main.get_command(app).commands["run"]
    if not any("--html" in p.opts for p in run.params):
        pytest.skip("run has no --html option yet")
    f = tmp_path / "a.txt"
    f.write_text("2023年，新疆口岸进出口货运量达8700.6万吨。\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["run", str(f), "--out", str(tmp_path / "out"), "--html", str(tmp_path / "site"),
                                 "--ref-date", "2024-03-01", "--quiet"])
    assert r.exit_code == 0, r.output
    pages = sorted(p.name for p in (tmp_path / "site").glob("*.html"))
    assert "index.html" in pages and len(pages) == 2
