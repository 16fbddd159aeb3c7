"""The language catalogue of reports: every word a reader sees, in English and Italian, and
numbers and dates formatted by locale (CLDR data through Babel, imported when first needed).

``t(key, lang)`` returns the label in ``lang`` and falls back to English, then to the key, so a
missing translation never breaks a report. Notes are format strings filled with ``str.format``.
KPIs and segmenters are plugins: they bring their own texts (``KPISpec.translations``, the
``language`` of :class:`~smmcore.contracts.AudienceContext`); :func:`catalogue` lists the
core's phrases (a test checks that an Italian report holds none of the English ones).
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
        "footer_client": "Every KPI's formula is in the appendix. Unknown counts are shown as "
        "n/a, never as 0.",
        "open_link": "open",
        "formulas": "How each KPI is computed",
        "appendix": "Appendix: how each KPI is computed",
        "summary": "Summary",
        "summary_intro": "The KPIs that moved most (compared with {comparison}):",
        "summary_none": "No KPI can be compared with the previous period yet.",
        "moved_up": "{kpi}: up from {previous} to {value} ({change}).",
        "moved_down": "{kpi}: down from {previous} to {value} ({change}).",
        "moved_flat": "{kpi}: unchanged at {value}.",
        "good_news": "good",
        "bad_news": "to watch",
        "neutral_news": "neither good nor bad",
        "axis_date": "Date",
        "axis_week": "Week (from Monday)",
        "axis_followers": "Followers",
        "axis_engagements": "Engagements",
        "axis_hour": "Hour of the day",
        "axis_interest": "Interest",
        "partial": "partial",
        "partial_week": "Partial week: {days} of 7 days",
        "partial_legend": "dashed: a partial week (fewer days of data)",
        "period_band": "shaded: the report period",
        "heat_scale": "Engagements per post",
        "heat_empty": "no posts",
        "best_cell": "outlined: best slots",
        "per_post": "per post",
        "own_terms": "Engagements per post of own posts using the term",
        "unit_relative": "relative interest, 0-100",
        "unit_views": "page views",
        "unit_engagements_post": "engagements per post",
        "client_view": "Client view",
        "analyst_view": "Analyst view",
        "page_of": "Page {page} of {pages}",
        "less_than": "< {value}",
        "thousands": "k",
        "millions": "M",
        "billions": "B",
        "pp": "pp",
        "previous_unknown": "no comparison",
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
        "share_of_voice": "Quota di voce",
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
        "footer_client": "La formula di ogni KPI è in appendice. I conteggi sconosciuti sono "
        "n.d., mai 0.",
        "open_link": "apri",
        "formulas": "Come si calcola ogni KPI",
        "appendix": "Appendice: come si calcola ogni KPI",
        "summary": "Sintesi",
        "summary_intro": "I KPI che si sono mossi di più (confronto con {comparison}):",
        "summary_none": "Nessun KPI si può ancora confrontare con il periodo precedente.",
        "moved_up": "{kpi}: in aumento da {previous} a {value} ({change}).",
        "moved_down": "{kpi}: in calo da {previous} a {value} ({change}).",
        "moved_flat": "{kpi}: invariato a {value}.",
        "good_news": "bene",
        "bad_news": "da seguire",
        "neutral_news": "né bene né male",
        "axis_date": "Data",
        "axis_week": "Settimana (da lunedì)",
        "axis_followers": "Follower",
        "axis_engagements": "Interazioni",
        "axis_hour": "Ora del giorno",
        "axis_interest": "Interesse",
        "partial": "parziale",
        "partial_week": "Settimana parziale: {days} giorni su 7",
        "partial_legend": "tratteggio: una settimana parziale (meno giorni di dati)",
        "period_band": "in ombra: il periodo del report",
        "heat_scale": "Interazioni per post",
        "heat_empty": "nessun post",
        "best_cell": "bordo: fasce migliori",
        "per_post": "per post",
        "own_terms": "Interazioni per post dei propri post che usano il termine",
        "unit_relative": "interesse relativo, 0-100",
        "unit_views": "visualizzazioni di pagina",
        "unit_engagements_post": "interazioni per post",
        "client_view": "Vista cliente",
        "analyst_view": "Vista analista",
        "page_of": "Pagina {page} di {pages}",
        "less_than": "< {value}",
        "thousands": "mila",
        "millions": "Mln",
        "billions": "Mld",
        "pp": "p.p.",
        "previous_unknown": "nessun confronto",
    },
}

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
        "relative": "interesse relativo",
        "views": "visualizzazioni",
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
        "growth_first_snapshot": "The history starts on {first}, inside {start} to {end}: "
        "follower growth there is counted from the first snapshot, not from the end of the "
        "period before, so it has a different base than the following periods.",
        "renewal_first_period": "The history starts on {first}, inside {start} to {end}: "
        "there is no earlier activity to compare with, so the network renewal rate counts "
        "every account as new there (up to 100%); read it from the next period on.",
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
        "growth_first_snapshot": "Lo storico inizia il {first}, nel periodo dal {start} al "
        "{end}: lì la crescita dei follower parte dalla prima rilevazione, non dalla fine del "
        "periodo precedente, quindi ha una base diversa dai periodi successivi.",
        "renewal_first_period": "Lo storico inizia il {first}, nel periodo dal {start} al "
        "{end}: non c'è attività precedente da confrontare, quindi lì il tasso di rinnovo della "
        "rete conta ogni account come nuovo (fino al 100%); leggilo dal periodo successivo.",
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


def kpi_text(spec: Any, field: str, lang: str = "en") -> str:
    """``field`` (``label``, ``formula``, ``description``, ``aggregation``, ``unit``) of a KPI
    registration in ``lang``: its ``translations`` when it has one, else the registered text
    (a unit falls back to :data:`UNITS`)."""
    translations = getattr(spec, "translations", None) or {}
    text = (translations.get(language_of(lang)) or {}).get(field)
    if text:
        return text
    registered = getattr(spec, field, "") or ""
    return unit_label(registered, lang) if field == "unit" else registered


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


def catalogue(lang: str) -> list[str]:
    """Every phrase of the core's catalogue in ``lang`` (labels, units, notes with their
    placeholders cut out), for checking that a report holds no phrase of another language."""
    phrases: list[str] = []
    for key, text in LABELS.get(lang, {}).items():
        if key == "weekdays":
            phrases += text.split(",")
        else:
            phrases.append(text)
    phrases += list(UNITS.get(lang, {}).values())
    for text in NOTES.get(lang, {}).values():
        import re

        phrases += [p.strip(" .,:;()'") for p in re.split(r"\{[^}]*\}", text)]
    return [p for p in phrases if p]


# --------------------------------------------------------------------------- numbers and dates


def _locale(lang: str) -> str:
    return language_of(lang)


def decimals_for(value: float) -> int:
    """Decimals a reader expects for ``value``: none for a whole number, one from 100, two
    from 1, two significant digits below 1 (``0.0045``)."""
    import math

    magnitude = abs(float(value))
    if float(value).is_integer():
        return 0
    if magnitude >= 100:
        return 1
    if magnitude >= 1:
        return 2
    return min(max(2, -math.floor(math.log10(magnitude)) + 1), 8)


def number(value: float | None, lang: str = "en", digits: int | None = None) -> str:
    """``1,234.5`` in English, ``1.234,5`` in Italian (CLDR); ``n/a`` (``n.d.``) for ``None``;
    ``digits`` decimals, else :func:`decimals_for`."""
    if value is None:
        return t("unknown", lang)
    from babel.numbers import format_decimal

    if digits is None:
        if value != 0 and abs(value) < 1e-6:
            return t("less_than", lang).format(value=number(1e-6, lang, 6))
        digits = decimals_for(value)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    text = format_decimal(value, format=pattern, locale=_locale(lang))
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]  # -0.001 with two decimals is 0.00, not -0.00
    return text


def percent(value: float | None, lang: str = "en", digits: int | None = None) -> str:
    """A value already in % (``53.89``): ``53.89%`` / ``53,89%``; a share below 0.01% that
    is not zero reads ``< 0.01%`` rather than a misleading ``0.00%``."""
    if value is None:
        return t("unknown", lang)
    if value != 0 and abs(value) < 0.01 and digits is None:
        return t("less_than", lang).format(value=number(0.01, lang, 2) + "%")
    return number(value, lang, digits) + "%"


def compact_scale(largest: float) -> tuple[float, str]:
    """``(divisor, suffix key)`` for numbers up to ``largest``: thousands from 10,000,
    millions from 1,000,000, billions from 1,000,000,000 (one scale for a whole axis)."""
    magnitude = abs(largest)
    if magnitude >= 1e9:
        return 1e9, "billions"
    if magnitude >= 1e6:
        return 1e6, "millions"
    if magnitude >= 1e4:
        return 1e3, "thousands"
    return 1.0, ""


def compact(value: float | None, lang: str = "en", digits: int = 1) -> str:
    """A large number with its language's suffix: ``5.4k`` / ``5,4 mila``, ``2.4M`` /
    ``2,4 Mln``, ``549.8B`` / ``549,8 Mld``."""
    if value is None:
        return t("unknown", lang)
    divisor, key = compact_scale(value)
    if not key:
        return number(value, lang)
    return with_suffix(number(value / divisor, lang, digits), key, lang)


def with_suffix(text: str, key: str, lang: str) -> str:
    """``text`` followed by the suffix ``key`` (``thousands``, ...): glued in English (``5k``),
    after a space where the suffix is a word (``5 mila``)."""
    if not key:
        return text
    suffix = t(key, lang)
    return f"{text}{suffix}" if len(suffix) == 1 else f"{text}\u00a0{suffix}"


def day(value: Any, lang: str = "en") -> str:
    """A calendar day in tables: ``2026-03-01`` in English, ``01/03/2026`` in Italian."""
    from datetime import datetime

    d = value.date() if isinstance(value, datetime) else value
    return d.strftime("%d/%m/%Y") if language_of(lang) == "it" else d.isoformat()


def day_short(value: Any, lang: str = "en", *, year: bool = False) -> str:
    """A day on a chart axis: ``Mar 1`` / ``1 mar`` (with the year: ``Mar 1, 2026``)."""
    from babel.dates import format_skeleton

    return format_skeleton("yMMMd" if year else "MMMd", value, locale=_locale(lang))


def month_name(value: Any, lang: str = "en") -> str:
    """``Mar 2026`` / ``mar 2026``."""
    from babel.dates import format_skeleton

    return format_skeleton("yMMM", value, locale=_locale(lang))
