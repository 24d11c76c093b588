"""Web pages: the article of a page and what the page says about it (title, publication time, outlet, authors).

trafilatura takes the body, with the settings that favour precision, after the parts of the page that
are never the article (related and hot lists, comment boxes, share bars, menus, the page's foot: the
structures of ``rules/clean/pages.toml``) are cut away; its metadata reader gives the title, the site's
name and the authors it finds.  The publication time is read in a fixed order: the page's structured
data (meta tags, JSON-LD, script variables; then htmldate's own reading of the page head), the
dateline beside the headline (read by the same rules as a plain-text dateline, ``datelines.toml``),
then the date in the URL (htmldate) — never from lists or the page's foot, whose dates are other
articles'.  A WeChat page gives the article in its ``#js_content``, which extractors may skip as hidden.

The text handed on is the headline, the dateline found beside it and the body, one paragraph a line,
so that the cleaning stages treat it as any plain-text article (they read its dateline again for the
credits it names, and drop furniture lines the extractor let through).  A page with no article text
gives an empty text and the reason, which the caller reports as a bad input.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

import lxml.html
from lxml.etree import ParserError, XMLSyntaxError

from extract import clean, datelines, normalise, timestamps
from extract.metadata import strip_site_suffix
from extract.model import Doc
from extract.rules import load_toml

_BLANKS = re.compile(r"\s+")
_TOKEN = re.compile(r"[\s_\-]+")
_NAME_SPLIT = re.compile(r"[;；,，、/|｜\s]+")
_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", re.IGNORECASE | re.DOTALL)


@dataclass
class Page:
    """What a page gives the pipeline: the article's text and metadata, or the reason there is no text."""

    text: str
    title: str | None = None
    published: str | None = None
    published_from: str | None = None  # page (structured data) | dateline | url: the ``ref_date_source``
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    why: str | None = None


class _Rules(NamedTuple):
    """pages.toml, compiled."""

    meta: dict[str, int]  # meta key -> rank
    json_ld: tuple[str, ...]
    xpaths: tuple[str, ...]
    scripts: tuple[re.Pattern[str], ...]
    url_dates: tuple[re.Pattern[str], ...]
    date_range: tuple[str, str]
    dateline: dict[str, Any]
    body: dict[str, Any]
    furniture_words: tuple[str, ...]
    wechat: dict[str, Any]
    held: dict[str, list[str]]
    outlet_scripts: tuple[re.Pattern[str], ...]


@cache
def _rules() -> _Rules:
    r = load_toml("clean/pages")
    pub = r["published"]
    return _Rules({k.lower(): i for i, k in enumerate(pub["meta"])}, tuple(pub["json_ld"]), tuple(pub["xpaths"]),
                  tuple(re.compile(p) for p in pub["script"]), tuple(re.compile(p) for p in pub["url"]),
                  (pub["min_date"], pub["max_date"]), r["dateline"],
                  r["body"], tuple(r["body"]["words"]), r["wechat"], r["held"],
                  tuple(re.compile(p) for p in r["outlet"]["script"]))


def read_page(html: str, url: str | None = None) -> Page:
    """The article and metadata of an HTML page (see the module docstring); never raises for a bad page."""
    try:
        tree = _parse(html)
        if tree is None:
            return Page("", why="not an HTML page (nothing to parse)")
        return _read_tree(tree, url)
    except (ParserError, XMLSyntaxError, ValueError, RecursionError) as e:
        return Page("", why=f"HTML could not be parsed ({type(e).__name__}: {str(e)[:200]})")
    except Exception as e:  # noqa: BLE001 - the extractors' own failures make one bad input, not a dead batch
        return Page("", why=f"HTML extraction failed ({type(e).__name__}: {str(e)[:200]})")


def _parse(html: str) -> lxml.html.HtmlElement | None:
    """The page's tree.  A fragment (a JSONL record's single ``<p>``) is wrapped into a document first;
    deep nesting is allowed (libxml2 stops at 256 levels otherwise and the article is lost); a DOCTYPE
    goes (its entity declarations are never expanded)."""
    if not re.search(r"<html|<body", html[:4000], re.IGNORECASE):
        html = f"<html><body><div>{html}</div></body></html>"
    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True, collect_ids=False,
                                  default_doctype=False)
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)  # lxml refuses str input with an encoding declaration
    html = _DOCTYPE.sub("", html, count=1)  # an internal subset (entity declarations) would leak "]>" into the text
    tree = lxml.html.document_fromstring(html, parser=parser)
    return tree if tree is not None and len(tree) else None


def doc_fields(page: Page, given: dict[str, Any]) -> dict[str, Any]:
    """The document fields of a page's metadata, under what the input gave (a JSONL record's title,
    ``published``, ``url``, ``source``)."""
    out = dict(given)
    out["title"] = given.get("title") or page.title
    out["url"] = given.get("url") or page.url
    if not given.get("published") and page.published:
        out["published"], out["ref_date_source"] = page.published, page.published_from
    out["outlet"] = page.outlet
    out["authors"] = page.authors
    return out


def _read_tree(tree: lxml.html.HtmlElement, url: str | None) -> Page:
    """A parsed page's article and metadata."""
    import trafilatura

    lo, hi = _rules().date_range
    meta = trafilatura.extract_metadata(tree, default_url=url, extensive=False, date_config={
        "extensive_search": False, "original_date": True, "min_date": lo, "max_date": hi})
    wechat = tree.xpath(_rules().wechat["content"])
    held = {k: _first_text(tree, xps) for k, xps in _rules().held.items()}
    headline = _headline(tree, wechat, held["title"] or meta.title)
    lines = _header_datelines(tree, headline)
    found = datelines.Found()
    for _, got in lines:
        found.add(got)
    page = Page("", url=url or meta.url)
    sitename = _clean(meta.sitename)
    if sitename and re.fullmatch(r"[\w.-]+\.[a-z]{2,}", sitename):
        sitename = None  # a domain name (trafilatura's last resort), not the outlet's name
    outlet = (found.first("outlet") or _wechat_outlet(tree, wechat) or held["outlet"]
              or _json_ld_names(tree, "publisher") or _script_outlet(tree) or sitename)
    page.outlet = normalised(outlet) if outlet else None
    page.title = _title(held["title"] or meta.title, headline, wechat, tree, page.outlet)
    page.authors = _authors(tree, [meta.author, held["authors"]], found, wechat, page.outlet)
    page.published, page.published_from = _published(tree, found, page.url)
    if wechat:
        body = _wechat_body(wechat[0])
    elif held["body"] and (inner := _parse(held["body"])) is not None:
        body = _body(inner, None)
    else:
        body = _body(tree, headline)
    if not body.strip():
        page.why = "no article text found in the page"
        return page
    head = _text(headline) if headline is not None else page.title
    page.text = _compose(head, [raw for raw, _ in lines], body)
    return page


def _first_text(tree: lxml.html.HtmlElement, xpaths: list[str]) -> str | None:
    """The text of the first element (or attribute) of ``xpaths`` that has one."""
    for xp in xpaths:
        for el in tree.xpath(xp):
            text = el if isinstance(el, str) else (el.text_content() if el.tag == "textarea" else _text(el))
            if text and text.strip():
                return text.strip()
    return None


def _clean(s: str | None) -> str | None:
    """A metadata string with its blanks collapsed (None when empty)."""
    s = _BLANKS.sub(" ", s or "").strip()
    return s or None


def _text(el: lxml.html.HtmlElement) -> str:
    """An element's text, its pieces joined by spaces (spans of a dateline are often not spaced)."""
    return _BLANKS.sub(" ", " ".join(el.itertext())).strip()


def _size(el: lxml.html.HtmlElement) -> int:
    """How many characters of text an element holds, blanks included (cheap: lxml counts them)."""
    return len(el.text_content())


def normalised(line: str) -> str:
    """A line as the cleaning stages see it (entities decoded, half-width digits, simplified script)."""
    doc = Doc(source="", raw=line)
    return normalise.normalise(clean.clean_chars(doc)).text


# ----------------------------------------------------------------------------- headline and title

def _headline(tree: lxml.html.HtmlElement, wechat: list, title: str | None) -> lxml.html.HtmlElement | None:
    """The headline element: WeChat's title element, else the h1 (the first of several), else the first
    element of pages.toml's ``headline`` whose text is the page's title."""
    if wechat:
        for xp in _rules().wechat["title"]:
            if found := tree.xpath(xp):
                return found[0]
    h1 = [h for h in tree.iter("h1") if _text(h)]
    if h1:
        return h1[0]
    want = _strip_suffix(normalised(_clean(title) or ""), None) if title else None
    if not want:
        return None
    tags = tuple(_rules().dateline["headline"])
    n = len(want)  # normalising keeps a text's length but for blanks: compare only texts of about that length
    return next((el for el in tree.iter(*tags) if n - 2 <= _size(el) <= 2 * n and n - 2 <= len(_text(el)) <= n + 2
                 and normalised(_text(el)) == want), None)


def _title(meta_title: str | None, headline: lxml.html.HtmlElement | None, wechat: list,
           tree: lxml.html.HtmlElement, outlet: str | None) -> str | None:
    """The title: the headline when the page's metadata title contains it (that one has the site's name
    after it), else the metadata title (og:title, JSON-LD headline, <title>), else the headline."""
    title = _clean(meta_title)
    if not title and wechat:
        title = _script_value(tree, _rules().wechat["script_title"])
    title = normalised(title) if title else None
    head = normalised(_text(headline)) if headline is not None else None
    if head and (not title or (len(head) >= 4 and head in title)):
        title = head
    return _strip_suffix(title, outlet) if title else None


def _strip_suffix(title: str, outlet: str | None) -> str:
    return strip_site_suffix(title, (outlet,))


def _script_value(tree: lxml.html.HtmlElement, pattern: str) -> str | None:
    """The first value a script of the page assigns by ``pattern`` (group 1)."""
    rx = re.compile(pattern)
    for script in tree.iter("script"):
        if script.text and (m := rx.search(script.text)):
            return _clean(m[1])
    return None


# ----------------------------------------------------------------------------- the dateline

def _header_datelines(tree: lxml.html.HtmlElement,
                      headline: lxml.html.HtmlElement | None) -> list[tuple[str, datelines.Found]]:
    """The dateline lines beside the headline: each one's text and what it states."""
    if headline is None:
        return []
    cfg = _rules().dateline
    for block in _near(headline, cfg):
        if _size(block) <= cfg["max_block"] and (found := _block_datelines(block, cfg)):
            return found
    return []


def _block_datelines(block: lxml.html.HtmlElement, cfg: dict) -> list[tuple[str, datelines.Found]]:
    """The datelines of a block: the outermost block elements in it (itself first) whose text reads as a
    dateline (a date-and-source block, not its date span alone); none inside lists."""
    tags = set(cfg["blocks"])
    out: list[tuple[str, datelines.Found]] = []
    taken: list[lxml.html.HtmlElement] = []
    for el in block.iter():
        if not isinstance(el.tag, str) or (el is not block and el.tag not in tags) or el.tag in ("ul", "ol", "li"):
            continue
        if any(t in el.iterancestors() for t in taken) or _in_list(el, block):
            continue
        raw = _text(el)
        if raw and len(raw) <= cfg["max_len"] and (got := datelines.read_line(normalised(raw))) is not None:
            out.append((raw, got))
            taken.append(el)
    return out


def _near(headline: lxml.html.HtmlElement, cfg: dict) -> list[lxml.html.HtmlElement]:
    """Elements beside the headline, nearest first: after it, before it, then the same around its
    parent and grandparent (never lists, navigation or the page's foot)."""
    out: list[lxml.html.HtmlElement] = []
    el = headline
    for _ in range(cfg["levels"]):
        if el is None:
            break
        out.extend(_sibling_blocks(el.itersiblings(), cfg["siblings"]))
        out.extend(_sibling_blocks(el.itersiblings(preceding=True), cfg["before"]))
        el = el.getparent()
    return out


def _sibling_blocks(siblings, limit: int) -> list[lxml.html.HtmlElement]:
    out = []
    for sib in siblings:
        if not isinstance(sib.tag, str) or sib.tag in ("ul", "ol", "li", "nav", "footer", "script", "style"):
            continue
        out.append(sib)
        if len(out) >= limit:
            break
    return out


def _in_list(el: lxml.html.HtmlElement, stop: lxml.html.HtmlElement) -> bool:
    """Whether ``el`` stands inside a list below ``stop`` (related links)."""
    p = el.getparent()
    while p is not None and p is not stop:
        if p.tag in ("ul", "ol", "li"):
            return True
        p = p.getparent()
    return False


# ----------------------------------------------------------------------------- publication time

def _published(tree: lxml.html.HtmlElement, found: datelines.Found, url: str | None) -> tuple[str | None, str | None]:
    """The publication time and where it was read: structured data, the dateline, the URL."""
    seen = found.first("published")
    if stamp := _structured_date(tree):
        if len(stamp) == 10 and seen and seen.startswith(stamp):
            return seen, "dateline"  # the same day, with the time of day the dateline adds
        return stamp, "page"
    if seen:
        return seen, "dateline"
    if url and (stamp := url_date(url)):
        return stamp, "url"
    return None, None


def _structured_date(tree: lxml.html.HtmlElement) -> str | None:
    """The publication time of the page's meta tags, JSON-LD and script variables (pages.toml), else of
    htmldate's reading of the page head."""
    r = _rules()
    ranked = []
    for m in tree.iter("meta"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or m.get("http-equiv") or "").lower().strip()
        if key in r.meta and (iso := timestamps.parse(m.get("content") or "")):
            ranked.append((r.meta[key], iso))
    if ranked:
        return min(ranked)[1]
    for key in r.json_ld:
        for obj in _json_ld(tree):
            if isinstance(v := obj.get(key), str | int) and (iso := timestamps.parse(str(v))):
                return iso
    for xp in r.xpaths:
        for v in tree.xpath(xp):
            if iso := timestamps.parse(str(v)):
                return iso
    texts = [s.text for s in tree.iter("script") if s.text]
    for rx in r.scripts:
        for t in texts:
            if (m := rx.search(t)) and (iso := timestamps.parse(next(g for g in m.groups() if g))):
                return iso
    return _htmldate_head(tree)


def _htmldate_head(tree: lxml.html.HtmlElement) -> str | None:
    """htmldate on the page's head alone (its meta tags and JSON-LD), the URL left out (read last)."""
    from htmldate import find_date

    head = tree.find("head")
    if head is None:
        return None
    html = lxml.html.tostring(head, encoding="unicode")
    lo, hi = _rules().date_range
    found = find_date(f"<html>{html}<body></body></html>", extensive_search=False, original_date=True,
                      deferred_url_extractor=True, min_date=lo, max_date=hi)
    return timestamps.parse(found) if found else None


def url_date(url: str) -> str | None:
    """The date a URL states: read by htmldate (/2024/03/05/, /2024-03-05/), else by the URL forms of
    Chinese sites in pages.toml (/20240305/, t20240305_1.html, /2024/0305/, /202403/05/)."""
    from htmldate import find_date

    r = _rules()
    found = find_date("<html><body></body></html>", url=url, extensive_search=False, original_date=True,
                      min_date=r.date_range[0], max_date=r.date_range[1])
    if found:
        return timestamps.parse(found)
    for rx in r.url_dates:
        if (m := rx.search(url)) and (iso := timestamps.parse(f"{m['y']}-{m['m']}-{m['d']}")):
            return iso
    return None


def _json_ld(tree: lxml.html.HtmlElement) -> list[dict]:
    """Every JSON object of the page's JSON-LD scripts (``@graph`` members and lists flattened)."""
    out: list[dict] = []
    for s in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(s.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            x = stack.pop()
            if isinstance(x, list):
                stack.extend(reversed(x))
            elif isinstance(x, dict):
                out.append(x)
                if isinstance(x.get("@graph"), list):
                    stack.extend(reversed(x["@graph"]))
    return out


def _json_ld_names(tree: lxml.html.HtmlElement, key: str) -> str | None:
    """The ``name`` of the first JSON-LD ``publisher``/``author`` (or its text)."""
    for obj in _json_ld(tree):
        v = obj.get(key)
        v = v[0] if isinstance(v, list) and v else v
        name = v.get("name") if isinstance(v, dict) else v
        if isinstance(name, str) and (name := _clean(name)):
            return name
    return None


# ----------------------------------------------------------------------------- outlet and authors

def _wechat_outlet(tree: lxml.html.HtmlElement, wechat: list) -> str | None:
    """A WeChat article's account name: its outlet."""
    if not wechat:
        return None
    for xp in _rules().wechat["outlet"]:
        for el in tree.xpath(xp):
            if name := _clean(el if isinstance(el, str) else _text(el)):
                return name
    return _script_value(tree, _rules().wechat["script_outlet"])


def _script_outlet(tree: lxml.html.HtmlElement) -> str | None:
    """The outlet a page's script data names (pages.toml ``[outlet] script``), when it is a name."""
    for rx in _rules().outlet_scripts:
        for script in tree.iter("script"):
            if script.text and (m := rx.search(script.text)) and re.search(r"[\u4e00-\u9fff]", m[1]):
                return _clean(m[1])
    return None


def _authors(tree: lxml.html.HtmlElement, given: list[str | None], found: datelines.Found, wechat: list,
             outlet: str | None) -> list[str]:
    """The page's authors: the dateline's, then those of its metadata that are names of persons (a site
    often puts its own name in ``author``)."""
    candidates = [*given, _json_ld_names(tree, "author")]
    candidates += [m.get("content") for m in tree.iter("meta") if (m.get("name") or "").lower() == "author"]
    if wechat:
        for xp in _rules().wechat["author"]:
            candidates += [el if isinstance(el, str) else _text(el) for el in tree.xpath(xp)]
    names = list(found.all("authors"))
    for c in candidates:
        for n in _NAME_SPLIT.split(normalised(c)) if c else []:
            if n and n != outlet and re.fullmatch(r"[\u4e00-\u9fff·]{2,12}", n) and datelines.is_name(n):
                names.append(n)
    return list(dict.fromkeys(names))


# ----------------------------------------------------------------------------- the body

def _body(tree: lxml.html.HtmlElement, headline: lxml.html.HtmlElement | None) -> str:
    """The article body: trafilatura favouring precision on the page without its furniture; favouring
    recall when that gives too little; the page's plain text as a last resort."""
    import trafilatura

    pruned = _pruned(tree, headline)
    out = trafilatura.extract(pruned, favor_precision=True, include_comments=False, include_tables=True,
                              include_images=False, include_links=False, deduplicate=False, output_format="txt")
    if not out or len(out) < _rules().body["min_chars"]:
        recall = trafilatura.extract(pruned, favor_recall=True, include_comments=False, include_tables=True,
                                     deduplicate=False, output_format="txt")
        out = recall if recall and len(recall) > len(out or "") else out
    if not out:
        body = pruned.find("body")
        out = "\n".join(t for t in (_text(p) for p in (body if body is not None else pruned).iter("p")) if t)
    return out or ""


def _pruned(tree: lxml.html.HtmlElement, headline: lxml.html.HtmlElement | None) -> lxml.html.HtmlElement:
    """A copy of the page without the elements that are never the article (pages.toml ``[body]``)."""
    copy = lxml.html.fromstring(lxml.html.tostring(tree, encoding="unicode"),
                                parser=lxml.html.HTMLParser(huge_tree=True, collect_ids=False))
    cfg = _rules().body
    paras = sum(_size(p) for p in copy.iter("p")) or 1
    protected = {id(e) for e in _ancestors(_same_headline(copy, headline))}
    doomed = []
    for el in copy.iter():
        if not isinstance(el.tag, str) or id(el) in protected or el.tag in ("html", "head", "body"):
            continue
        if _is_furniture(el, cfg) and sum(_size(p) for p in el.iter("p")) < cfg["protect_share"] * paras:
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None and not any(a in doomed for a in el.iterancestors()):
            el.drop_tree()
    return copy


def _same_headline(copy: lxml.html.HtmlElement, headline: lxml.html.HtmlElement | None):
    """The headline's element in a copy of the page (the first h1 with the same text)."""
    if headline is None:
        return None
    want = _text(headline)
    return next((h for h in copy.iter(headline.tag) if _text(h) == want), None)


def _ancestors(el) -> list:
    return [] if el is None else [el, *el.iterancestors()]


def _is_furniture(el: lxml.html.HtmlElement, cfg: dict) -> bool:
    """An element that is never the article: a furniture tag, a class or id word of pages.toml, a list of links."""
    if el.tag in cfg["tags"]:
        return True
    words = _TOKEN.split(f"{el.get('class') or ''} {el.get('id') or ''}".lower())
    if any(w.startswith(_rules().furniture_words) for w in words if w):
        return True
    if el.tag in ("ul", "ol", "div", "section", "table"):
        links = list(el.iter("a"))
        if len(links) >= cfg["min_links"]:
            return sum(_size(a) for a in links) / (_size(el) or 1) >= cfg["link_share"]
    return False


def _wechat_body(content: lxml.html.HtmlElement) -> str:
    """A WeChat article: the paragraphs of #js_content (hidden on the page until its scripts run)."""
    blocks = [e for e in content.iter() if isinstance(e.tag, str) and e.tag in ("p", "section", "h2", "h3", "h4")
              and not any(isinstance(c.tag, str) and c.tag in ("p", "section") for c in e.iterdescendants())]
    lines = [t for t in (_text(b) for b in blocks) if t]
    return "\n".join(dict.fromkeys(lines)) if lines else _text(content)


def _compose(headline: str | None, header: list[str], body: str) -> str:
    """The article's text: headline, dateline, body, as the page writes them.  When the body starts
    with the headline (the extractor kept it), the dateline goes right after it; a line the body
    already has among its first lines is not repeated."""
    lines = [x.strip() for x in body.split("\n")]
    first = [_key(x) for x in lines[:6]]
    header = [x for x in header if _key(x) not in first]
    if headline and (h := _key(headline)) in first:
        at = first.index(h) + 1
        return "\n".join([*lines[:at], *header, *lines[at:]]).strip()
    return "\n".join([*([headline] if headline else []), *header, *lines]).strip()


def _key(line: str) -> str:
    """A line as compared with another: normalised, without blanks (a page's spans joined or not)."""
    return _BLANKS.sub("", normalised(line))
