"""The texts of the segments (description and method) in English and Italian.

Segmenters pick the language of ``AudienceContext.language``; a language missing here gets
English. Member ``reason`` texts are for the analyst's exports and stay in English.
"""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "tier.advocate": "Advocates: {rule}",
        "tier.regular": "Regulars: {rule}",
        "tier.occasional": "Occasionals: {rule}",
        "tier.silent": "Silents: {rule}",
        "tier_rule.advocate": ">= {advocate_min} interactions or >= {deep_min} "
        "replies/reposts/quotes",
        "tier_rule.regular": "{regular_min} to {regular_max} interactions",
        "tier_rule.occasional": "1 to {occasional_max} interactions",
        "tier_rule.silent": "in the audience, no interaction in the period",
        "tiers.method": "engagement tiers (participation inequality, Nielsen 2006): {rule}",
        "rfm.champions": "R>=4, F>=4, V>=4: recent, frequent and valuable",
        "rfm.loyal": "F>=4: interact often",
        "rfm.new": "R>=4, F<=2: recent first steps",
        "rfm.at-risk": "R<=2, F>=3: used to interact, not lately",
        "rfm.hibernating": "R<=2: neither recent nor frequent",
        "rfm.needs-attention": "everyone else",
        "rfm.name.champions": "Champions",
        "rfm.name.loyal": "Loyal",
        "rfm.name.new": "New",
        "rfm.name.at-risk": "At risk",
        "rfm.name.hibernating": "Hibernating",
        "rfm.name.needs-attention": "Needs attention",
        "rfm.method": "RFM over {days} days ending at the period end; quintile scores",
        "community": "Community {index}: {members} members around {posts} posts; terms: "
        "{terms}; most engaged: {top}",
        "communities.method": "Louvain (Blondel et al. 2008) on the member-post interaction "
        "graph, resolution {resolution}, seed {seed}",
        "influencers": "The {count} most influential members of the audience",
        "influencers.method": "reach (log followers), engagement with the client's content and "
        "k-core in the interaction graph (Pei et al. 2014), weights {weights}",
        "renewal.method": "engaged in {period} compared with {previous}; renewal rate {rate}",
        "renewal.new": "New contacts: engaged in {period}, not in {previous}",
        "renewal.retained": "Retained: engaged in both periods",
        "renewal.lapsed": "Lapsed: engaged in {previous}, not in {period}; win them back",
        "rules.matching": "Members matching {method}",
        "rules.method": "rule: {method}",
        "range": "{start} to {end}",
    },
    "it": {
        "tier.advocate": "Sostenitori: {rule}",
        "tier.regular": "Abituali: {rule}",
        "tier.occasional": "Occasionali: {rule}",
        "tier.silent": "Silenziosi: {rule}",
        "tier_rule.advocate": ">= {advocate_min} interazioni o >= {deep_min} "
        "risposte/condivisioni/citazioni",
        "tier_rule.regular": "da {regular_min} a {regular_max} interazioni",
        "tier_rule.occasional": "da 1 a {occasional_max} interazioni",
        "tier_rule.silent": "nel pubblico, nessuna interazione nel periodo",
        "tiers.method": "livelli di coinvolgimento (disuguaglianza di partecipazione, Nielsen "
        "2006): {rule}",
        "rfm.champions": "R>=4, F>=4, V>=4: recenti, frequenti e di valore",
        "rfm.loyal": "F>=4: interagiscono spesso",
        "rfm.new": "R>=4, F<=2: primi passi recenti",
        "rfm.at-risk": "R<=2, F>=3: interagivano, ultimamente no",
        "rfm.hibernating": "R<=2: né recenti né frequenti",
        "rfm.needs-attention": "tutti gli altri",
        "rfm.name.champions": "Campioni",
        "rfm.name.loyal": "Fedeli",
        "rfm.name.new": "Nuovi",
        "rfm.name.at-risk": "A rischio",
        "rfm.name.hibernating": "In letargo",
        "rfm.name.needs-attention": "Da seguire",
        "rfm.method": "RFM su {days} giorni che finiscono alla fine del periodo; punteggi "
        "in quintili",
        "community": "Comunità {index}: {members} membri attorno a {posts} post; termini: "
        "{terms}; i più coinvolti: {top}",
        "communities.method": "Louvain (Blondel et al. 2008) sul grafo delle interazioni "
        "membro-post, risoluzione {resolution}, seme {seed}",
        "influencers": "I {count} membri più influenti del pubblico",
        "influencers.method": "portata (log dei follower), coinvolgimento con i contenuti del "
        "cliente e k-core nel grafo delle interazioni (Pei et al. 2014), pesi {weights}",
        "renewal.method": "coinvolti nel periodo {period} rispetto a {previous}; tasso di "
        "rinnovo {rate}",
        "renewal.new": "Nuovi contatti: coinvolti nel periodo {period}, non in {previous}",
        "renewal.retained": "Mantenuti: coinvolti in entrambi i periodi",
        "renewal.lapsed": "Persi: coinvolti in {previous}, non in {period}; da riconquistare",
        "rules.matching": "Membri che soddisfano {method}",
        "rules.method": "regola: {method}",
        "range": "dal {start} al {end}",
    },
}


def text(key: str, lang: str = "en", **params: Any) -> str:
    """The text ``key`` in ``lang`` (English when missing), filled with ``params``."""
    template = TEXTS.get(lang, {}).get(key) or TEXTS["en"][key]
    return template.format(**params)


def period_text(period: Any, lang: str = "en") -> str:
    """A period in words: ``2026-03-02 to 2026-03-31`` / ``dal 02/03/2026 al 31/03/2026``."""
    from smmcore.i18n import day

    return text("range", lang, start=day(period.start, lang), end=day(period.end, lang))


def rate_text(rate: float | None, lang: str = "en") -> str:
    """A renewal rate as ``37.9%`` / ``37,9%`` (``n/a`` / ``n.d.`` when unknown)."""
    from smmcore.i18n import number, t

    return t("unknown", lang) if rate is None else number(rate, lang, 1) + "%"
