"""The yuan of a document (units.toml [local_yuan]): which currency a bare 元 is.

A Taiwan report writes 营收54.31亿元 and means New Taiwan dollars, a Macau one writes 毛收入191.5亿元 and
means patacas: 元 alone is the yuan of the place the article is written from, and the article names that
currency somewhere (新台币, 澳门元, 港元).  :func:`local_yuan` gives the bare-元 amounts of a document the
currency it names most often, when that is not the renminbi and the evidence is strong enough: the text
was written in traditional script (Taiwan, Hong Kong, Macau), or the named currency is at least as frequent
as the bare 元 amounts themselves (one 港元 in a mainland report leaves its 元 CNY).
"""

from __future__ import annotations

from collections import Counter

from extract.numbers.lexicon import lexicon
from extract.numbers.match import QMatch


def local_yuan(found: list[QMatch], traditional: bool) -> None:
    """Give the bare-元 amounts of ``found`` (a whole document) the document's own yuan, in place."""
    rule = lexicon().units.local_yuan
    named: Counter[str] = Counter()
    bare: list[QMatch] = []
    for q in found:
        if q.kind != "money" or q.unit not in rule.currencies:
            continue
        if q.unit_text in rule.bare:
            if q.unit == rule.default:
                bare.append(q)
        else:
            named[q.unit] += 1
    if not bare or not named:
        return
    code, n = max(((c, k) for c, k in named.items() if c != rule.default), key=lambda x: (x[1], x[0]),
                  default=(None, 0))
    if code is None or n <= named[rule.default] or not (traditional or n >= len(bare)):
        return
    for q in bare:
        q.unit, q.rule = code, rule.name
