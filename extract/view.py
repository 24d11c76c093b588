"""View: an article with its quantities, dates and entities highlighted, for checking an extraction.

The HTML page is spaCy's displaCy (``style="ent"``, ``manual=True``) fed with our own records,
labels and colours, with a legend, the facts table and every record listed under it; each mark
carries its record's normalised value as a tooltip.  ``render_terminal`` is the same view with ANSI
colours (or ``[text|LABEL]`` brackets when colour is off).  ``write_site`` writes one page per
document plus an index of all documents and facts with links; ``write_html`` is the hook for
``zh-extract run --html DIR``.

Everything here works on the JSON form of the records (the dicts of the JSONL files), so a page can
be made from a fresh run or from an output folder read back from disk.  displaCy cannot draw
overlapping spans, so overlaps are resolved (dates, then quantities, then entities; longer first) and
the hidden ones are still listed in the records table.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from extract.terminal import safe

Rec = dict[str, Any]

# label -> (background colour, ANSI 256 colour, legend text)
LABELS: dict[str, tuple[str, int, str]] = {
    "DATE": ("#bfe1d9", 116, "date / period"),
    "MONEY": ("#ffe08a", 222, "amount of money"),
    "PERCENT": ("#ffc3a0", 216, "percentage"),
    "QUANTITY": ("#d9c8ff", 183, "other quantity"),
    "PERSON": ("#aa9cfc", 141, "person"),
    "ORG": ("#7aecec", 87, "organisation"),
    "LOC": ("#ff9561", 209, "place"),
    "WORK": ("#f0b3e6", 218, "work (document, law, plan)"),
    "EVENT": ("#ffeb80", 228, "event"),
    "PRODUCT": ("#bfeeb7", 157, "product"),
    "TITLE": ("#dddddd", 252, "title / position"),
}
OTHER = ("#e8e8e8", 254, "other entity")
MONEY_UNITS = frozenset({"CNY", "USD", "EUR", "HKD", "JPY", "GBP", "TWD", "KRW", "RUB", "MOP", "SGD", "AUD", "CAD"})
APPROX_SIGN = {"about": "≈", "over": ">", "under": "<", "at_least": "≥", "at_most": "≤"}
_PRIORITY = {"date": 0, "quantity": 1, "entity": 2}

# displaCy's ent template without the whitespace around the mark (Chinese has no spaces between
# words, so whitespace would show as gaps) and with an anchor, the record kind and a tooltip.
TPL_MARK = ('<mark class="entity" id="{anchor}" data-kind="{kind}" data-label="{label}" title="{tip}" '
            'style="background: {bg}; padding: 0.2em 0.35em; margin: 0 0.1em; line-height: 1; '
            'border-radius: 0.35em;">{text}<span class="lbl">{label}{kb_link}</span></mark>')

PAGE_CSS = """
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 1.5em auto; max-width: 62em; padding: 0 1em; color: #222; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
.meta { color: #666; font-size: 0.85em; margin-bottom: 1em; }
.legend span.chip { display: inline-block; padding: 0.15em 0.5em; margin: 0.15em; border-radius: 0.35em;
                    font-size: 0.85em; }
.entities { line-height: 2.3; font-size: 1.05em; }
mark.entity .lbl { font-size: 0.62em; font-weight: bold; vertical-align: middle; margin-left: 0.3em; }
table { border-collapse: collapse; font-size: 0.85em; width: 100%; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.45em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; white-space: nowrap; }
.note { color: #888; font-size: 0.8em; }
"""


# ---------------------------------------------------------------- labels and spans

def quantity_label(q: Rec) -> str:
    """MONEY, PERCENT or QUANTITY, from the canonical unit (and the quantity's kind when present)."""
    unit = q.get("unit")
    if q.get("kind") == "money" or unit in MONEY_UNITS:
        return "MONEY"
    if q.get("kind") == "percent" or unit == "%":
        return "PERCENT"
    return "QUANTITY"


def fmt_number(v: Any) -> str:
    """A value as people read it: thousands separators, no float noise."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e18:
        v = int(v)
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.6g}" if abs(v) >= 1e6 else f"{v:g}"


def fmt_quantity(r: Rec) -> str:
    """``≈ 83,680,000,000 CNY`` / ``10–20 km``: value, range, unit and approximation of a record."""
    s = fmt_number(r.get("value"))
    if r.get("value_max") is not None:
        s += "–" + fmt_number(r["value_max"])
    if r.get("unit"):
        s += ("" if r["unit"] == "%" else " ") + str(r["unit"])
    sign = APPROX_SIGN.get(r.get("approx") or "")
    return f"{sign} {s}" if sign else s


def fmt_period(start: str | None, end: str | None) -> str:
    if not start and not end:
        return ""
    return start or "" if start == end else f"{start or '…'} – {end or '…'}"


def tooltip(kind: str, r: Rec) -> str:
    if kind == "quantity":
        return fmt_quantity(r)
    if kind == "date":
        tip = fmt_period(r.get("value_start"), r.get("value_end"))
        extra = [r.get("granularity") or ""] + (["relative"] if r.get("relative") else [])
        return f"{tip} ({', '.join(x for x in extra if x)})"
    parts = [r.get("label", "")] + [r[k] for k in ("title", "org") if r.get(k)]
    return " · ".join(parts)


def spans(quantities: Iterable[Rec], dates: Iterable[Rec], entities: Iterable[Rec]) -> tuple[list[Rec], int]:
    """Non-overlapping spans to highlight, sorted, and how many were hidden by an overlap."""
    cands = ([{"kind": "date", "label": "DATE", "rec": d} for d in dates]
             + [{"kind": "quantity", "label": quantity_label(q), "rec": q} for q in quantities]
             + [{"kind": "entity", "label": str(e.get("label") or "ENTITY"), "rec": e} for e in entities])
    for c in cands:
        c["start"], c["end"] = int(c["rec"]["start"]), int(c["rec"]["end"])
    cands.sort(key=lambda c: (_PRIORITY[c["kind"]], -(c["end"] - c["start"]), c["start"]))
    chosen: list[Rec] = []
    hidden = 0
    for c in cands:
        if c["end"] <= c["start"] or any(o["start"] < c["end"] and c["start"] < o["end"] for o in chosen):
            hidden += 1
            continue
        chosen.append(c)
    chosen.sort(key=lambda c: c["start"])
    return chosen, hidden


def colour(label: str) -> tuple[str, int, str]:
    return LABELS.get(label, OTHER)


# ---------------------------------------------------------------- HTML

def _e(v: Any) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def highlighted_html(text: str, marks: list[Rec]) -> str:
    """The article with its marks, rendered by displaCy with our template and colours."""
    from spacy import displacy

    ents = [{"start": m["start"], "end": m["end"], "label": m["label"],
             "params": {"anchor": f"m{m['start']}", "kind": m["kind"], "tip": _e(tooltip(m["kind"], m["rec"]))}}
            for m in marks]
    colors = {label: bg for label, (bg, _, _) in LABELS.items()}
    colors.update({m["label"]: colour(m["label"])[0] for m in marks})
    return displacy.render({"text": text, "ents": ents, "title": None}, style="ent", manual=True, page=False,
                           jupyter=False, options={"colors": colors, "template": TPL_MARK})


def legend_html(marks: list[Rec], hidden: int) -> str:
    counts: dict[str, int] = {}
    for m in marks:
        counts[m["label"]] = counts.get(m["label"], 0) + 1
    labels = [lb for lb in LABELS if lb in counts] + sorted(lb for lb in counts if lb not in LABELS)
    chips = "".join(f'<span class="chip" data-label="{_e(lb)}" style="background:{colour(lb)[0]}">'
                    f'<b>{_e(lb)}</b> {_e(colour(lb)[2])} · {counts[lb]}</span>' for lb in labels)
    note = f' <span class="note">{hidden} overlapping span(s) not highlighted; all are listed below.</span>' \
        if hidden else ""
    return f'<div class="legend">{chips or "<span class=note>nothing extracted</span>"}{note}</div>'


def facts_table_html(facts: list[Rec], link: Any = None, show_doc: bool = False, doc_id: str | None = None) -> str:
    """Facts as a table; ``link(mention)`` gives the href of a mention (or None).

    Mentions in another document than ``doc_id`` (or all, with ``show_doc``) are labelled with their doc_id.
    """
    if not facts:
        return '<p class="note">No facts.</p>'
    head = ("<tr><th>#</th><th>subject</th><th>metric</th><th>value</th><th>period</th><th>change</th>"
            "<th>sentence</th><th>mentions</th></tr>")
    rows = []
    for i, f in enumerate(facts, 1):
        ch = f.get("change") or {}
        change = (f"{_e(ch.get('kind'))} {_e(fmt_quantity(ch))}" if ch else "")
        ms = []
        for m in f.get("mentions") or []:
            other = show_doc or (doc_id is not None and m.get("doc_id") != doc_id)
            label = f"{str(m.get('doc_id', ''))[:8]}@{m.get('start')}" if other else f"@{m.get('start')}"
            href = link(m) if link else None
            ms.append(f'<a href="{_e(href)}">{_e(label)}</a>' if href else _e(label))
        rows.append(f'<tr class="fact" id="fact-{_e(f.get("id"))}"><td>{i}</td><td>{_e(f.get("subject"))}</td>'
                    f'<td>{_e(f.get("metric"))}</td><td class="num">{_e(fmt_quantity(f))}</td>'
                    f'<td>{_e(fmt_period(f.get("period_start"), f.get("period_end")))}</td><td>{change}</td>'
                    f'<td>{_e(f.get("sentence"))}</td><td>{" ".join(ms)}</td></tr>')
    return f"<table class=\"facts\">{head}{''.join(rows)}</table>"


def records_table_html(quantities: list[Rec], dates: list[Rec], entities: list[Rec]) -> str:
    rows = []
    for kind, recs in (("date", dates), ("quantity", quantities), ("entity", entities)):
        for r in recs:
            label = quantity_label(r) if kind == "quantity" else ("DATE" if kind == "date" else r.get("label"))
            rows.append(f'<tr><td>{kind}</td><td>{_e(label)}</td><td><a href="#m{_e(r.get("start"))}">'
                        f'{_e(r.get("start"))}–{_e(r.get("end"))}</a></td><td>{_e(r.get("text"))}</td>'
                        f'<td>{_e(tooltip(kind, r))}</td></tr>')
    if not rows:
        return ""
    return ("<details><summary>All records</summary><table class=\"records\"><tr><th>kind</th><th>label</th>"
            "<th>span</th><th>text</th><th>value</th></tr>" + "".join(rows) + "</table></details>")


def page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="data:,"><title>{_e(title)}</title><style>{PAGE_CSS}</style></head>'
            f"<body>{body}</body></html>\n")


def _mention_href(doc_id: str, marks: list[Rec], site: bool):
    """Link a fact mention to the mark inside it (or, in a site, to its place in a sibling document's page)."""
    def href(m: Rec) -> str | None:
        if m.get("doc_id") != doc_id:
            return f"{page_name(str(m.get('doc_id')))}#m{m.get('start')}" if site and m.get("doc_id") else None
        inside = [k for k in marks if m["start"] <= k["start"] < m["end"]]
        return f"#m{inside[0]['start']}" if inside else None
    return href


def render_html(doc: Rec, quantities: list[Rec], dates: list[Rec], entities: list[Rec], facts: list[Rec],
                index_href: str | None = None) -> str:
    """One document's page: header, legend, highlighted text, facts table, all records."""
    marks, hidden = spans(quantities, dates, entities)
    title = doc.get("title") or doc.get("source") or doc.get("doc_id")
    meta = " · ".join(_e(x) for x in (doc.get("source"), f"doc_id {doc.get('doc_id')}",
                                      f"published {doc.get('published')}" if doc.get("published") else None,
                                      f"ref_date {doc.get('ref_date')}" if doc.get("ref_date") else None,
                                      f"duplicate of {doc.get('duplicate_of')}" if doc.get("duplicate_of") else None,
                                      f"{len(quantities)} quantities, {len(dates)} dates, {len(entities)} entities, "
                                      f"{len(facts)} facts") if x)
    back = f'<p><a href="{_e(index_href)}">← all documents</a></p>' if index_href else ""
    link = _mention_href(doc.get("doc_id"), marks, index_href is not None)
    body = (f"{back}<h1>{_e(title)}</h1><div class=\"meta\">{meta}</div>{legend_html(marks, hidden)}"
            f"{highlighted_html(doc.get('text') or '', marks)}<h2>Facts</h2>"
            f"{facts_table_html(facts, link, doc_id=doc.get('doc_id'))}"
            f"<h2>Records</h2>{records_table_html(quantities, dates, entities)}")
    return page(str(title), body)


def render_index(docs: list[Rec], by_doc: Mapping[str, Mapping[str, list[Rec]]], facts: list[Rec]) -> str:
    """All documents (with counts, linked to their pages) and all facts (mentions linked to their place)."""
    rows = []
    for d in docs:
        did = d["doc_id"]
        n = {k: len(by_doc.get(did, {}).get(k, [])) for k in ("quantities", "dates", "entities", "facts")}
        rows.append(f'<tr class="doc"><td><a href="{_e(page_name(did))}">{_e(d.get("title") or did)}</a></td>'
                    f'<td>{_e(d.get("source"))}</td><td>{_e(d.get("published") or "")}</td>'
                    f'<td>{_e(d.get("duplicate_of") or "")}</td>'
                    + "".join(f'<td class="num">{n[k]}</td>' for k in n) + "</tr>")
    docs_table = ("<table class=\"docs\"><tr><th>title</th><th>source</th><th>published</th><th>duplicate of</th>"
                  "<th>quantities</th><th>dates</th><th>entities</th><th>facts</th></tr>" + "".join(rows) + "</table>")

    def href(m: Rec) -> str | None:
        did = m.get("doc_id")
        if did is None:
            return None
        return f"{page_name(did)}#m{m.get('start')}"

    body = (f"<h1>zh-extract: {len(docs)} documents, {len(facts)} facts</h1>{docs_table}"
            f"<h2>Facts</h2>{facts_table_html(facts, href, show_doc=True)}")
    return page("zh-extract index", body)


def page_name(doc_id: str) -> str:
    return re.sub(r"[^0-9A-Za-z_.-]", "_", doc_id) + ".html"


# ---------------------------------------------------------------- grouping records by document

def group(recs: Mapping[str, Iterable[Rec]]) -> dict[str, dict[str, list[Rec]]]:
    """Records of each document: its quantities, dates, entities, and the facts mentioned in it."""
    by_doc: dict[str, dict[str, list[Rec]]] = {}
    for d in recs.get("documents", []):
        by_doc[d["doc_id"]] = {"quantities": [], "dates": [], "entities": [], "facts": []}
    for kind in ("quantities", "dates", "entities"):
        for r in recs.get(kind, []):
            by_doc.setdefault(r["doc_id"], {"quantities": [], "dates": [], "entities": [], "facts": []})[kind].append(r)
    for f in recs.get("facts", []):
        ids = list(dict.fromkeys([m.get("doc_id") for m in f.get("mentions") or []] + [f.get("doc_id")]))
        for did in ids:
            if did in by_doc:
                by_doc[did]["facts"].append(f)
    return by_doc


def doc_page(recs: Mapping[str, list[Rec]], doc: Rec, index_href: str | None = None) -> str:
    g = group(recs).get(doc["doc_id"], {})
    return render_html(doc, g.get("quantities", []), g.get("dates", []), g.get("entities", []),
                       g.get("facts", []), index_href)


def write_site(html_dir: Path, recs: Mapping[str, list[Rec]]) -> list[Path]:
    """One page per document plus ``index.html``; returns the files written (index first)."""
    from extract.atomic import write_atomic

    html_dir = Path(html_dir)
    docs = list(recs.get("documents", []))
    facts = list(recs.get("facts", []))
    by_doc = group(recs)
    index = html_dir / "index.html"
    write_atomic(index, [render_index(docs, by_doc, facts).encode("utf-8")])
    written = [index]
    for d in docs:
        g = by_doc[d["doc_id"]]
        path = html_dir / page_name(d["doc_id"])
        write_atomic(path, [render_html(d, g["quantities"], g["dates"], g["entities"], g["facts"],
                                        "index.html").encode("utf-8")])
        written.append(path)
    return written


def write_html(html_dir: Path, docs: list, facts: list) -> list[Path]:
    """Hook for ``zh-extract run --html DIR``: the site of processed ``Doc`` objects and merged facts."""
    from extract.export import records

    return write_site(html_dir, {k: list(v) for k, v in records(docs, facts).items()})


# ---------------------------------------------------------------- terminal

def render_terminal(doc: Rec, quantities: list[Rec], dates: list[Rec], entities: list[Rec], facts: list[Rec],
                    color: bool = True) -> str:
    """The same view for a terminal: coloured spans (or ``[text|LABEL]``), a legend, and the facts.

    Every string that comes from the article or its records goes through :func:`extract.terminal.safe`:
    a control sequence in a title, an id or the text is shown, never obeyed by the terminal.
    """
    marks, hidden = spans(quantities, dates, entities)
    text = doc.get("text") or ""
    out, pos = [], 0
    for m in marks:
        out.append(safe(text[pos:m["start"]], keep_lines=True))
        surface = safe(text[m["start"]:m["end"]], keep_lines=True)
        label = safe(m["label"])
        if color:
            out.append(f"\x1b[48;5;{colour(m['label'])[1]}m\x1b[38;5;16m{surface}\x1b[0m")
        else:
            out.append(f"[{surface}|{label}]")
        pos = m["end"]
    out.append(safe(text[pos:], keep_lines=True))
    title = doc.get("title") or doc.get("source") or doc.get("doc_id")
    bold = ("\x1b[1m", "\x1b[0m") if color else ("", "")
    lines = [f"{bold[0]}{safe(title)}{bold[1]}  ({safe(doc.get('doc_id'))}, {safe(doc.get('source'))})"]
    seen = {m["label"] for m in marks}
    labels = [lb for lb in LABELS if lb in seen] + sorted(seen - set(LABELS))
    legend = "  ".join((f"\x1b[48;5;{colour(lb)[1]}m\x1b[38;5;16m {safe(lb)} \x1b[0m" if color else safe(lb))
                       + f" {sum(1 for m in marks if m['label'] == lb)}" for lb in labels)
    lines.append("legend: " + (legend or "nothing extracted") + (f"  ({hidden} overlapping hidden)" if hidden else ""))
    lines += ["", "".join(out), "", f"{bold[0]}facts ({len(facts)}){bold[1]}"]
    for i, f in enumerate(facts, 1):
        ch = f.get("change") or {}
        period = fmt_period(f.get("period_start"), f.get("period_end"))
        lines.append(safe(f"{i:>3}. {f.get('subject') or '-'} | {f.get('metric') or '-'} | {fmt_quantity(f)}"
                          + (f" | {period}" if period else "")
                          + (f" | {ch.get('kind')} {fmt_quantity(ch)}" if ch else "")))
    return "\n".join(lines) + "\n"


def terminal_page(recs: Mapping[str, list[Rec]], doc: Rec, color: bool = True) -> str:
    g = group(recs).get(doc["doc_id"], {})
    return render_terminal(doc, g.get("quantities", []), g.get("dates", []), g.get("entities", []),
                           g.get("facts", []), color)


def write_run_html(outdir: Path, html_dir: Path) -> list[Path]:
    """Hook for ``zh-extract run --html DIR`` after the outputs are written: the site of an output folder."""
    from extract.tables import read_records

    return write_site(html_dir, read_records(outdir))
