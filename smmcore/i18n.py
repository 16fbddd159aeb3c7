"""Report labels in English and Italian.

``t(key, lang)`` returns the label in ``lang`` and falls back to English, then to the key, so a
missing translation never breaks a report. Notes are format strings filled with ``str.format``.
"""

from __future__ import annotations

from typing import Any

SUPPORTED = ("en", "it")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "report_title": "Social media report",
        "client": "Client",
        "period": "Period",
        "comparison": "Compared with",
        "compare_previous": "the previous period",
        "compare_year": "the same period a year earlier",
        "generated": "Generated",
        "timezone": "Time zone",
        "kpis": "KPIs",
        "kpi": "KPI",
        "value": "Value",
        "previous": "Previous",
        "change": "Change",
        "change_pct": "Change %",
        "formula": "Formula",
        "unit": "Unit",
        "aggregation": "Aggregation",
        "direction": "Direction",
        "higher_is_better": "higher is better",
        "lower_is_better": "lower is better",
        "neutral": "neither is better",
        "scope": "Scope",
        "channel": "Channel",
        "channels": "Channels",
        "network": "Network",
        "owner": "Owner",
        "client_total": "Client (all channels)",
        "per_channel": "Per channel",
        "followers_over_time": "Followers over time",
        "engagement_over_time": "Engagements per week",
        "best_time": "Best time to post",
        "best_time_caption": "Engagement per post by weekday and hour ({timezone})",
        "best_slots": "Best slots",
        "top_posts": "Top posts",
        "post": "Post",
        "published": "Published",
        "likes": "Likes",
        "reposts": "Reposts",
        "replies": "Replies",
        "views": "Views",
        "engagements": "Engagements",
        "engagement_rate": "Eng. rate",
        "benchmark": "Benchmark against competitors",
        "share_of_voice": "Share of voice",
        "segments": "Audience segments",
        "segment": "Segment",
        "size": "Members",
        "method": "Method",
        "keywords": "Keywords",
        "term": "Term",
        "tool": "Tool",
        "rising": "Rising related queries",
        "suggestions": "Suggestions",
        "breakout": "Breakout",
        "notes": "Notes",
        "history": "History",
        "no_data": "no data",
        "error": "error",
        "unknown": "n/a",
        "none": "Nothing to show.",
        "incomplete": "incomplete: data ends before the period does",
        "weekdays": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
        "footer": "Every KPI states its formula. Unknown counts are shown as n/a, never as 0.",
        "open_link": "open",
    },
    "it": {
        "report_title": "Report social media",
        "client": "Cliente",
        "period": "Periodo",
        "comparison": "Confrontato con",
        "compare_previous": "il periodo precedente",
        "compare_year": "lo stesso periodo dell'anno prima",
        "generated": "Generato il",
        "timezone": "Fuso orario",
        "kpis": "KPI",
        "kpi": "KPI",
        "value": "Valore",
        "previous": "Precedente",
        "change": "Variazione",
        "change_pct": "Variazione %",
        "formula": "Formula",
        "unit": "Unità",
        "aggregation": "Aggregazione",
        "direction": "Direzione",
        "higher_is_better": "più alto è meglio",
        "lower_is_better": "più basso è meglio",
        "neutral": "nessuna direzione",
        "scope": "Ambito",
        "channel": "Canale",
        "channels": "Canali",
        "network": "Rete",
        "owner": "Proprietario",
        "client_total": "Cliente (tutti i canali)",
        "per_channel": "Per canale",
        "followers_over_time": "Follower nel tempo",
        "engagement_over_time": "Interazioni per settimana",
        "best_time": "Orario migliore per pubblicare",
        "best_time_caption": "Interazioni per post per giorno e ora ({timezone})",
        "best_slots": "Fasce migliori",
        "top_posts": "Post migliori",
        "post": "Post",
        "published": "Pubblicato",
        "likes": "Mi piace",
        "reposts": "Condivisioni",
        "replies": "Risposte",
        "views": "Visualizzazioni",
        "engagements": "Interazioni",
        "engagement_rate": "Tasso eng.",
        "benchmark": "Confronto con i concorrenti",
        "share_of_voice": "Share of voice",
        "segments": "Segmenti di pubblico",
        "segment": "Segmento",
        "size": "Membri",
        "method": "Metodo",
        "keywords": "Parole chiave",
        "term": "Termine",
        "tool": "Strumento",
        "rising": "Ricerche correlate in crescita",
        "suggestions": "Suggerimenti",
        "breakout": "Impennata",
        "notes": "Note",
        "history": "Storico",
        "no_data": "nessun dato",
        "error": "errore",
        "unknown": "n.d.",
        "none": "Niente da mostrare.",
        "incomplete": "incompleto: i dati finiscono prima del periodo",
        "weekdays": "Lun,Mar,Mer,Gio,Ven,Sab,Dom",
        "footer": "Ogni KPI indica la sua formula. I conteggi sconosciuti sono n.d., mai 0.",
        "open_link": "apri",
    },
}

KPI_LABELS: dict[str, dict[str, str]] = {
    "it": {
        "follower_growth": "Crescita follower",
        "follower_growth_rate": "Tasso di crescita follower",
        "posts_per_week": "Post a settimana",
        "engagement_rate_followers": "Tasso di engagement sui follower",
        "engagement_rate_views": "Tasso di engagement sulle visualizzazioni",
        "applause_rate": "Tasso di apprezzamento",
        "conversation_rate": "Tasso di conversazione",
        "amplification_rate": "Tasso di amplificazione",
        "virality_rate": "Tasso di viralità",
        "share_of_voice": "Share of voice",
        "best_time_to_post": "Orario migliore per pubblicare",
        "top_posts": "Post migliori",
        "network_renewal_rate": "Tasso di rinnovo della rete",
    }
}
"""KPI name -> label, for languages other than English (English labels come from the KPI's
registration)."""

UNITS: dict[str, dict[str, str]] = {
    "it": {
        "followers": "follower",
        "posts": "post",
        "posts/week": "post/settimana",
        "likes/post": "mi piace/post",
        "replies/post": "risposte/post",
        "reposts/post": "condivisioni/post",
        "engagements/post": "interazioni/post",
        "engagements": "interazioni",
    }
}
"""KPI units in other languages than English (``%`` and unknown units stay as they are)."""

NOTES: dict[str, dict[str, str]] = {
    "en": {
        "history": "{months} months of history ({first} to {last}, {weeks} weeks, {posts} posts).",
        "history_short": "{days} days of history ({first} to {last}, {posts} posts).",
        "no_history": "The store holds no data for the client's channels yet: run 'smm sync'.",
        "mom_meaningful": "Month-over-month follower growth becomes meaningful after 3 full "
        "months of history; you have {months}.",
        "mom_ok": "With {months} full months of history, month-over-month trends are meaningful.",
        "best_time_weeks": "Best time to post needs 16 weeks of posts to be reliable; you "
        "have {weeks}.",
        "best_time_ok": "Best time to post is based on {weeks} weeks of posts (16 needed).",
        "yoy_needs": "A year-over-year comparison needs 13 months of history; you have {months}.",
        "comparison_empty": "The comparison period ({start} to {end}) has no data, so changes "
        "are not available.",
        "period_incomplete": "The data ends on {last}, before the period does ({end}): the "
        "period is incomplete.",
        "kpi_failed": "KPI '{kpi}' could not be computed: {error}",
        "kpi_missing": "KPI '{kpi}' is listed in smm.toml but no plugin provides it.",
        "no_competitors": "No competitors in smm.toml: add some to benchmark the client.",
        "section_failed": "The {section} section could not be built: {error}",
        "channel_no_data": "{channel} ({owner}) has no data for the period, so its figures "
        "are unknown (n/a): {why}.",
        "why_sync_failed": "its last sync failed on {when} ({error})",
        "why_nothing_in_period": "nothing stored for it falls in the period (its latest data "
        "is from {latest})",
        "why_synced_empty": "it was synced on {when} but nothing was stored for it: check its "
        "network and handle against what the source holds",
        "why_cannot_sync": "it cannot be synced ({error})",
        "why_never_synced": "it was never synced: run 'smm sync'",
        "channel_sync_failed": "The last sync of {channel} ({owner}) failed on {when} "
        "({error}): its figures may be incomplete.",
        "sov_unknown": "Share of voice needs at least two owners with data for the period "
        "(with data: {owners}), so it is unknown (n/a).",
        "sov_partial": "Share of voice is computed over the owners with data for the period "
        "({owners}); left out for lack of data: {missing}.",
        "interactions_dated": "Renewal and audience segments date an interaction without a "
        "time of its own by its post's publication time: {post_time} of the period's {total} "
        "interactions were dated that way; {undated} stored interactions have neither and "
        "are not counted.",
        "implausible_dates": "The store holds {count} rows dated before 2004 or in the future "
        "({tables}); they are left out. 'smm store dates' lists them and "
        "'smm store dates --delete' removes them.",
    },
    "it": {
        "history": "{months} mesi di storico (dal {first} al {last}, {weeks} settimane, "
        "{posts} post).",
        "history_short": "{days} giorni di storico (dal {first} al {last}, {posts} post).",
        "no_history": "L'archivio non contiene ancora dati dei canali del cliente: esegui "
        "'smm sync'.",
        "mom_meaningful": "La crescita dei follower mese su mese diventa significativa dopo 3 "
        "mesi completi di storico; ne hai {months}.",
        "mom_ok": "Con {months} mesi completi di storico, le tendenze mese su mese sono "
        "significative.",
        "best_time_weeks": "L'orario migliore per pubblicare richiede 16 settimane di post "
        "per essere affidabile; ne hai {weeks}.",
        "best_time_ok": "L'orario migliore per pubblicare si basa su {weeks} settimane di post "
        "(ne servono 16).",
        "yoy_needs": "Il confronto con l'anno precedente richiede 13 mesi di storico; ne hai "
        "{months}.",
        "comparison_empty": "Il periodo di confronto (dal {start} al {end}) non ha dati: le "
        "variazioni non sono disponibili.",
        "period_incomplete": "I dati finiscono il {last}, prima della fine del periodo ({end}): "
        "il periodo è incompleto.",
        "kpi_failed": "Il KPI '{kpi}' non è stato calcolato: {error}",
        "kpi_missing": "Il KPI '{kpi}' è elencato in smm.toml ma nessun plugin lo fornisce.",
        "no_competitors": "Nessun concorrente in smm.toml: aggiungine per confrontare il cliente.",
        "section_failed": "La sezione {section} non è stata costruita: {error}",
        "channel_no_data": "{channel} ({owner}) non ha dati per il periodo, quindi i suoi "
        "valori sono sconosciuti (n.d.): {why}.",
        "why_sync_failed": "l'ultima sincronizzazione del {when} non è riuscita ({error})",
        "why_nothing_in_period": "nessuno dei suoi dati archiviati cade nel periodo (i più "
        "recenti sono del {latest})",
        "why_synced_empty": "è stato sincronizzato il {when} ma non è stato archiviato nulla: "
        "controlla rete e handle rispetto a ciò che contiene la sorgente",
        "why_cannot_sync": "non può essere sincronizzato ({error})",
        "why_never_synced": "non è mai stato sincronizzato: esegui 'smm sync'",
        "channel_sync_failed": "L'ultima sincronizzazione di {channel} ({owner}) del {when} "
        "non è riuscita ({error}): i suoi valori potrebbero essere incompleti.",
        "sov_unknown": "La share of voice richiede almeno due soggetti con dati nel periodo "
        "(con dati: {owners}), quindi è sconosciuta (n.d.).",
        "sov_partial": "La share of voice è calcolata sui soggetti con dati nel periodo "
        "({owners}); esclusi per mancanza di dati: {missing}.",
        "interactions_dated": "Il rinnovo della rete e i segmenti di pubblico datano "
        "un'interazione senza orario proprio con l'orario di pubblicazione del suo post: "
        "{post_time} delle {total} interazioni del periodo sono state datate così; "
        "{undated} interazioni archiviate non hanno né l'uno né l'altro e non sono contate.",
        "implausible_dates": "L'archivio contiene {count} righe con date anteriori al 2004 o "
        "nel futuro ({tables}); sono escluse. 'smm store dates' le elenca e "
        "'smm store dates --delete' le rimuove.",
    },
}


def language_of(lang: str | None) -> str:
    """``lang`` if it is supported, else ``"en"``."""
    return lang if lang in SUPPORTED else "en"


def t(key: str, lang: str = "en") -> str:
    """The label ``key`` in ``lang`` (English, then the key itself, when missing)."""
    return LABELS.get(language_of(lang), {}).get(key) or LABELS["en"].get(key) or key


def kpi_label(name: str, default: str, lang: str = "en") -> str:
    """The label of KPI ``name`` in ``lang``; ``default`` (the registered label) otherwise."""
    return KPI_LABELS.get(language_of(lang), {}).get(name, default)


def unit_label(unit: str, lang: str = "en") -> str:
    """The unit ``unit`` in ``lang`` (unchanged when there is no translation)."""
    return UNITS.get(language_of(lang), {}).get(unit, unit)


def note_text(code: str, lang: str = "en", **params: Any) -> str:
    """The note ``code`` in ``lang``, filled with ``params``."""
    template = NOTES.get(language_of(lang), {}).get(code) or NOTES["en"].get(code, code)
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def weekdays(lang: str = "en") -> list[str]:
    """Short weekday names, Monday first."""
    return t("weekdays", lang).split(",")
