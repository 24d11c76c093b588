"""The document model of who an article is about: its topic entities (rules/facts/subjects.toml [topic]).

Places and organisations said in the headline, the lead and the dateline, with the aliases the article
gives them (（以下简称“广铁集团”）), scored by where and how often they are said.  Three uses:

- a name as the article says it: a full name with an alias is said by its alias, every mention of one
  thing by one name (the entities' ``entity_id``/``canonical`` when the entity stage gives them, else the
  aliases read here, else the place name without its 省/市 suffix as the key);
- an anaphor (全市, 该行, 我国) stands for the best topic entity of its kind (a place, an organisation, the
  country), preferring a name that holds the anaphor's level character (全市 -> a name with 市);
- a fact whose sentence states no subject at all takes the primary topic.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cached_property
from operator import attrgetter
from typing import Any

from extract.facts.context import Context, complement, source_clauses
from extract.facts.lexicon import Anaphor
from extract.model import Entity, Span

_ADMIN = "省市县区"  # 湖南省 and 湖南, 无锡市 and 无锡 are one place
_LINKED = {"entity_id", "canonical"} <= {f.name for f in fields(Entity)}  # records of the entity stage's linking
# what makes two mentions one name: its text and label, and the entity stage's entity_id and canonical when its
# records have them
_NAME_KEY = attrgetter("text", "label", "entity_id", "canonical") if _LINKED else attrgetter("text", "label")


@dataclass(slots=True)
class Thing:
    """One topic candidate: the name the article uses for it, its label, score and every surface form."""

    name: str
    label: str
    first: int
    score: float = 0.0
    mentions: int = 0
    forms: set[str] = field(default_factory=set)


class Topic:
    """The topic entities of one document, scored the first time a fact needs one (most subjects are stated)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.tr = ctx.r.topics
        self.aliases = ctx.aliases  # full name -> alias, as the article defines them
        self.things: dict[str, Thing] = {}
        self.key_of: dict[str, str] = {}  # surface form -> thing key

    @cached_property
    def ranked(self) -> list[Thing]:
        """The things scored at least ``min_score``, best first (ties: said first)."""
        uniq: dict[tuple[Any, ...], list[Any]] = {}  # a name said ten times is added once
        key, labels = _NAME_KEY, self.tr.labels  # (one C call builds the key: this loop visits every entity)
        for e in self.ctx.entities:
            if e.label in labels:
                got = uniq.get(k := key(e))
                if got is None:
                    uniq[k] = [1, e.start, e]
                else:
                    got[0] += 1
                    if e.start < got[1]:
                        got[1] = e.start
        head = self._headline()
        lead = self._lead(head)
        early = max(head[1], lead[1])
        named = set(self.aliases) | set(self.aliases.values())
        cap = self.tr.mention_cap
        for n, first, e in uniq.values():  # only names that can score min_score: said early, aliased or often
            if first < early or e.text in named or n >= cap or e.label == "ORG" and self.body_place(e.text):
                self._add(e, n, first)
        self._score(head, lead)
        ranked = sorted(self.things.values(), key=lambda t: (-t.score, t.first))
        return [t for t in ranked if t.score >= self.tr.min_score]

    # ------------------------------------------------------------------ names

    def key(self, e: Entity) -> str:
        """The key of the thing an entity names: its entity_id when the entity stage gives one, else its name
        as the article says it (an alias for a full name), a place without its admin suffix."""
        eid = e.entity_id if _LINKED else None
        if eid:
            return str(eid)
        name = self.aliases.get(e.text, e.text)
        return self._place_key(name) if e.label == "LOC" else name

    def name(self, e: Entity) -> str:
        """The name of an entity as the article says it: the alias it gives a full name, else the text."""
        got = self.aliases.get(e.text)
        if got is not None:
            return got
        canonical = e.canonical if _LINKED else None
        return self.aliases.get(canonical, e.text) if canonical else e.text

    def _add(self, e: Entity, n: int, first: int) -> None:
        """A name said ``n`` times, first at ``first`` (and the place a public body is named after)."""
        self._thing(self.key(e), self.name(e), e.label, first, e.text, n)
        if e.label == "ORG":
            place = self.body_place(e.text)
            if place is not None:
                self._thing(self._place_key(place), place, "LOC", first, place, n)

    def _thing(self, k: str, name: str, label: str, start: int, form: str, n: int) -> None:
        """Count ``n`` mentions of the thing of key ``k`` in the surface form ``form``."""
        t = self.things.get(k)
        if t is None:
            t = self.things[k] = Thing(name, label, start)
        t.first = min(t.first, start)
        t.mentions += n
        t.forms.add(form)
        self.key_of.setdefault(form, k)

    def body_place(self, name: str) -> str | None:
        """潜江市农业农村局 -> 潜江市: the place a public body is named after, None for another name."""
        m = self.tr.body_place_re.match(name)
        return m.group(1) if m else None

    @staticmethod
    def _place_key(name: str) -> str:
        """湖南省 and 湖南 are one place: the name without its 省/市/县/区."""
        return name[:-1] if len(name) > 2 and name[-1] in _ADMIN else name

    # ------------------------------------------------------------------ scores

    def _score(self, head: Span, lead: Span) -> None:
        """Score every thing: headline, a number after it in the headline, lead, alias, mentions (capped); ``head``
        and ``lead`` as :meth:`_headline` and :meth:`_lead` find them."""
        w, ctx = self.tr.weights, self.ctx
        aliased = {self.key_of.get(full, self.aliases[full]) for full in self.aliases}
        seen: set[tuple[str, str]] = set()
        end = max(head[1], lead[1])
        for e in ctx.ents.ents:  # sorted by start: those of the headline and the lead
            if e.start >= end:
                break
            k = self.key_of.get(e.text) if e.label in self.tr.labels else None
            if k is None:
                continue
            if head[0] <= e.start < head[1] and (k, "h") not in seen:
                seen.add((k, "h"))
                self.things[k].score += w["headline"] + w["headline_before_number"] * self._number_after(e, head)
            elif lead[0] <= e.start < lead[1] and (k, "l") not in seen and not self._source(e) \
                    and not complement(ctx, e, ctx.clause_start(lead[0], e.start)):  # 位于苏州: where, not who
                seen.add((k, "l"))
                self.things[k].score += w["lead"]
            place = self.body_place(e.text) if e.label == "ORG" and e.start < lead[1] else None
            if place is not None and (self._place_key(place), "b") not in seen:
                seen.add((self._place_key(place), "b"))
                self.things[self._place_key(place)].score += w["body_place"]
        for k, t in self.things.items():
            t.score += w["alias"] * (k in aliased) + w["mention"] * min(t.mentions, self.tr.mention_cap)
        self._country(head, lead)

    def _country(self, head: Span, lead: Span) -> None:
        """我国 or 全国 in the headline or the lead scores the country as a topic entity (the country named in the
        article, else the default one)."""
        tr, text = self.tr, self.ctx.text
        if not tr.country_default:
            return
        words, home = tr.country_words, tr.home_words  # 全国 in a lead is often a comparison: only home words there
        score = sum(tr.weights[weight] for (s, e), weight, ws in ((head, "headline", words), (lead, "lead", home))
                    if any(text.find(w, s, e) >= 0 for w in ws))  # (no slice of the span per word)
        if not score:
            return
        n = sum(text.count(w) for w in words)
        named = [t for t in self.things.values() if t.forms & tr.countries]
        if named:
            t = max(named, key=lambda x: (x.score, -x.first))
        else:
            first = min(i for w in words if (i := text.find(w)) >= 0)
            t = self.things[tr.country_default] = Thing(tr.country_default, "LOC", first, 0.0, 0, {tr.country_default})
        t.score += score + tr.weights["mention"] * min(n, tr.mention_cap - min(t.mentions, tr.mention_cap))

    def _headline(self) -> Span:
        """The headline: the first paragraph when it is short and does not end a sentence."""
        paras = self.ctx.doc.paragraphs
        if not paras:
            return 0, 0
        s, e = paras[0]
        line = self.ctx.text[s:e].strip()
        return (s, e) if 0 < len(line) <= self.tr.headline_max and line[-1] not in "。！？!?" else (0, 0)

    def _lead(self, head: Span) -> Span:
        """The lead: the first ``lead_chars`` characters of the body (paragraphs after the headline ``head`` that
        hold a sentence end: a dateline or a byline line does not)."""
        text = self.ctx.text
        for s, e in self.ctx.doc.paragraphs:
            if s >= head[1] and text.find("。", s, e) >= 0:  # (no copy of each paragraph)
                return s, min(e, s + self.tr.lead_chars)
        return 0, 0

    def _number_after(self, e: Entity, head: Span) -> bool:
        """Whether a quantity follows the entity in the headline before another entity does (the entity is
        the subject of the headline's figure)."""
        nxt = min((x.start for x in self.ctx.entities if e.end <= x.start < head[1]), default=head[1])
        return any(e.end <= q.start < nxt for q in self.ctx.doc.quantities)

    def _source(self, e: Entity) -> bool:
        """Whether the entity is the source of the figures (据…统计, 记者从…获悉), not what they are about."""
        si = self.ctx.sent_index.index(e.start)
        return si is not None and source_clauses(self.ctx, self.ctx.sents[si]).index(e.start) is not None

    # ------------------------------------------------------------------ answers

    def primary(self) -> str | None:
        """The name of the best topic entity, None when the article has none."""
        return self.ranked[0].name if self.ranked else None

    def resolve(self, word: str) -> str | None:
        """The topic entity an anaphor word stands for (None when the article has none of its kind)."""
        a: Anaphor | None = self.tr.anaphors.get(word)
        if a is None:
            return None
        if a.kind == "home":  # 我国: the country of the press
            return self.tr.country_default or None
        fits = [t for t in self.ranked if t.label in a.labels]
        if a.kind == "country":
            fits = [t for t in fits if t.forms & self.tr.countries]
            if not fits:
                return self.tr.country_default or None
        if a.level:
            level = [t for t in fits if any(c in f for f in t.forms | {t.name} for c in a.level)]
            fits = level or fits
        return fits[0].name if fits else None
