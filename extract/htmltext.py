"""The text of an HTML page when the article extractor finds none, and a page made safe to parse.

trafilatura (:func:`extract.ingest.html_to_text`) gives nothing for some pages that do hold text:
markup nested deeper than libxml2's limit (~256 levels), a DOCTYPE with an internal subset (entity
declarations), a fragment too short for its article heuristics (a JSONL record that is one
``<p>``).  Such a page is not "empty text": :func:`plain_text` reads it with the standard library's
tokenizer (no tree, so no depth limit; no DTD, so no entity expansion, no file read, no network),
one line per block element, scripts and styles left out.

:func:`without_internal_subset` drops a DOCTYPE's internal subset before any parser sees the page:
declared entities are never expanded (``&name;`` stays as written).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# <!DOCTYPE name ... [ internal subset ]>: the subset (entity and element declarations) is dropped.
_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE([^>\[]*)\[[^\]]*\]\s*>", re.IGNORECASE)

_SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object"})
_BLOCK = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
                    "blockquote", "pre", "table", "ul", "ol", "dd", "dt", "figcaption", "header", "footer",
                    "main", "aside", "nav", "hr", "td", "th", "caption", "form", "address", "title"})


def without_internal_subset(page: str) -> str:
    """``page`` with the internal subset of its DOCTYPE removed (only near the start, where a DOCTYPE is)."""
    head = page[:65536]
    if "<!" not in head:
        return page
    m = _DOCTYPE_SUBSET.search(head)
    if m is None:
        return page
    return page[:m.start()] + f"<!DOCTYPE{m.group(1).rstrip() or ' html'}>" + page[m.end():]


class _Text(HTMLParser):
    """Character data outside skipped elements; a line break at every block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def plain_text(page: str) -> str:
    """The visible text of ``page``, one block a line, blank lines and runs of spaces folded."""
    p = _Text()
    p.feed(page)
    p.close()
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(p.parts).split("\n"))
    return "\n".join(line for line in lines if line)
