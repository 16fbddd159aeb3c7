"""The deterministic demo data: Forno Rossi, a fictional bakery in Bologna, and its competitors.

:func:`generate_export` writes an export folder in the canonical format (``accounts.csv``,
``posts.csv``, ``audience.csv``, ``interactions.csv``); :func:`write_demo_workspace` writes a
whole workspace (``smm.toml`` plus ``data/``). The same seed, end date and size always give
the same bytes. Everything is drawn with numpy from one seeded generator and written through
Arrow, so a million posts take seconds.

What the data shows, on purpose: a weekly posting rhythm, engagement that depends on the
weekday and hour (Saturday morning and weekday evenings are best), a few viral posts, views
unknown on Mastodon and impressions unknown for competitors, an audience of a few thousand in
three communities (Bologna food lovers, families of the neighbourhood, English-speaking
visitors) with a handful of influencers, and one post whose text holds
``<script>alert(1)</script> "quotes" & ampersand`` to exercise escaping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

TIMEZONE = "Europe/Rome"
DEFAULT_SEED = 20261126
ESCAPING_TEXT = (
    'Nuova ricetta in arrivo <script>alert(1)</script> "quotes" & ampersand: '
    "torta di riso come la faceva la nonna #bologna"
)
"""The text of one demo post, to check that every renderer escapes what networks send."""

MAX_INTERACTION_POSTS = 1500
"""At large scale, interactions are generated for at most this many own posts."""

# weekday (Mon..Sun) and hour effects on engagement: Saturday morning and evenings are best
_WEEKDAY_EFFECT = (0.70, 0.75, 0.85, 0.95, 1.10, 1.60, 1.20)
_HOUR_EFFECT = {
    7: 1.25, 8: 1.55, 9: 1.30, 10: 0.90, 11: 0.80, 12: 1.00, 13: 0.95, 14: 0.65,
    15: 0.60, 16: 0.65, 17: 0.85, 18: 1.30, 19: 1.45, 20: 1.10, 21: 0.80,
}  # fmt: skip
# when the bakery posts (independent of the effect, so the heatmap is not just volume)
_WEEKDAY_POSTING = (0.12, 0.14, 0.14, 0.15, 0.16, 0.17, 0.12)
_HOUR_POSTING = {
    7: 0.10, 8: 0.09, 9: 0.07, 10: 0.06, 11: 0.06, 12: 0.08, 13: 0.07, 14: 0.05,
    15: 0.05, 16: 0.05, 17: 0.07, 18: 0.08, 19: 0.08, 20: 0.06, 21: 0.03,
}  # fmt: skip


@dataclass(frozen=True)
class DemoChannel:
    """One account of the demo: who owns it and how it behaves."""

    network: str
    account: str
    owner: str
    is_client: bool
    display_name: str
    followers: int
    posts_per_week: float
    growth: float
    """Relative follower growth over the year (0.25 = +25 %)."""
    engagement: float
    """Engagements per follower per post, before weekday, hour and topic effects."""
    topics: tuple[float, float, float] = (0.45, 0.35, 0.20)

    @property
    def label(self) -> str:
        """``Owner (network)``, used in smm.toml."""
        return f"{self.owner} ({self.network})"


CLIENT = "Forno Rossi"

_D = DemoChannel
_PB, _PN = "Panificio Bianchi", "Pasticceria Neri"
BASE_CHANNELS: tuple[DemoChannel, ...] = (
    _D("instagram", "fornorossi.bologna", CLIENT, True, "Forno Rossi", 4200, 5, 0.32, 0.045),
    _D("facebook", "FornoRossiBologna", CLIENT, True, "Forno Rossi Bologna", 2900, 4, 0.12, 0.02),
    _D("mastodon", "fornorossi@mastodon.social", CLIENT, True, "Forno Rossi", 650, 3, 0.55, 0.06,
       (0.40, 0.20, 0.40)),
    _D("instagram", "panificiobianchi", _PB, False, _PB, 7800, 6, 0.10, 0.028, (0.6, 0.3, 0.1)),
    _D("facebook", "PanificioBianchi", _PB, False, "Panificio Bianchi dal 1962", 5100, 3, 0.04,
       0.012, (0.6, 0.3, 0.1)),
    _D("instagram", "pasticcerianeri", _PN, False, _PN, 3100, 4, 0.40, 0.05, (0.15, 0.7, 0.15)),
)  # fmt: skip
"""The client's 3 channels, then 2 competitors: Panificio Bianchi (2), Pasticceria Neri (1)."""

_NETWORK_CYCLE = ("instagram", "facebook", "mastodon")

# which metrics each network reports for the owner (competitors: public counts only)
_OWN_METRICS = {
    "instagram": ("likes", "reposts", "replies", "views", "impressions", "reach", "saves"),
    "facebook": ("likes", "reposts", "replies", "impressions", "reach", "clicks"),
    "mastodon": ("likes", "reposts", "replies"),
}
_PUBLIC_METRICS = ("likes", "reposts", "replies")

_PROFILE_URLS = {
    "instagram": "https://www.instagram.com/{user}/",
    "facebook": "https://www.facebook.com/{user}",
    "mastodon": "https://{host}/@{user}",
}
_POST_URLS = {
    "instagram": "https://www.instagram.com/p/",
    "facebook": "https://www.facebook.com/{user}/posts/",
    "mastodon": "https://{host}/@{user}/",
}


def _url(template: str, account: str) -> str:
    user, _, host = account.partition("@")
    return template.format(user=user, host=host or "mastodon.social")


# --------------------------------------------------------------------------- texts

_BREADS = (
    "la pagnotta di grani antichi", "il filone di semola rimacinata", "il pane di segale",
    "la ciabatta", "le crescentine", "il pane al farro", "le tigelle", "la focaccia genovese",
)  # fmt: skip
_FLOURS = ("grano tenero tipo 1", "farro monococco", "segale integrale", "grani antichi emiliani")
_SWEETS = (
    "la torta di riso", "i ventaglini", "la raviola", "i maritozzi", "la brioche alla crema",
    "il certosino", "la zuppa inglese", "i cantucci",
)  # fmt: skip
_ENGLISH_BREADS = ("sourdough loaf", "focaccia", "tigelle", "crescentine", "rye bread")

_TEMPLATES: tuple[tuple[tuple[str, str], ...], ...] = (
    (  # 0: bread, lievito madre (the food lovers)
        ("it", "Il nostro pane con lievito madre: {h} ore di lievitazione e farina di {flour}. "
               "Vi aspettiamo in bottega!"),
        ("it", "Oggi in forno {bread}: crosta croccante e mollica alveolata."),
        ("it", "Sapete perché il lievito madre rende il pane più digeribile? "
               "Ve lo raccontiamo in tre punti."),
        ("it", "Sfornata delle 7: {bread} ancora caldo per chi passa presto."),
        ("it", "La nostra pasta madre compie {years} anni e sta benissimo. Rinfresco quotidiano!"),
        ("it", "Farine macinate a pietra da {flour}: la differenza si sente al primo morso."),
    ),
    (  # 1: pastries, breakfast, families of the neighbourhood
        ("it", "Colazione da {name}: {sweet} e cappuccino, il modo giusto di iniziare."),
        ("it", "Domenica in famiglia? Prenotate {sweet} entro sabato sera!"),
        ("it", "I bambini della scuola del quartiere sono venuti a impastare con noi. "
               "Che mani d'oro!"),
        ("it", "Novità di stagione: {sweet}. Solo fino a fine mese."),
        ("it", "Grazie alle famiglie del quartiere per l'affetto di questi giorni ❤️"),
        ("it", "Merenda pronta alle 16: {sweet} appena sfornati per grandi e piccini."),
    ),
    (  # 2: English-speaking visitors, events
        ("en", "Visiting Bologna? Try our {ebread}, fresh from the oven two steps from "
               "Piazza Maggiore."),
        ("en", "Weekend in Bologna: our sourdough is baked every morning at 6."),
        ("en", "Thank you, {city} friends, for the lovely reviews! See you next time in Bologna."),
        ("en", "Bread class this Saturday: learn to make tigelle and crescentine with us "
               "(in English)."),
        ("it", "Sabato degustazione gratuita dalle 10 alle 13: {bread} e salumi dei colli."),
        ("en", "Where locals buy their bread: a short guide to {name}."),
    ),
)  # fmt: skip
_HASHTAGS = (
    ("#pane", "#lievitomadre", "#panefattoamano", "#graniantichi", "#forno", "#bologna"),
    ("#colazione", "#dolci", "#bologna", "#famiglia", "#pasticceria", "#merenda"),
    ("#bologna", "#visitbologna", "#italianfood", "#sourdough", "#foodie", "#emiliaromagna"),
)
_CITIES = ("London", "Berlin", "New York", "Amsterdam", "Paris", "Vienna")
_REBLOG_TEXTS = (
    "RT: Bologna, i forni storici del centro raccontati da chi li vive",
    "RT: Slow Food Emilia-Romagna: il calendario dei mercati contadini",
    "RT: Bread science: why long fermentation matters",
)


def _text_pool(rng: np.random.Generator, name: str, size: int = 60) -> list[list[tuple[str, str]]]:
    """For each topic, ``size`` (language, text) pairs for an owner called ``name``."""
    pools: list[list[tuple[str, str]]] = []
    for topic, templates in enumerate(_TEMPLATES):
        pool = []
        for i in range(size):
            lang, template = templates[i % len(templates)]
            text = template.format(
                h=int(rng.integers(18, 49)),
                flour=_FLOURS[int(rng.integers(len(_FLOURS)))],
                bread=_BREADS[int(rng.integers(len(_BREADS)))],
                sweet=_SWEETS[int(rng.integers(len(_SWEETS)))],
                ebread=_ENGLISH_BREADS[int(rng.integers(len(_ENGLISH_BREADS)))],
                city=_CITIES[int(rng.integers(len(_CITIES)))],
                years=int(rng.integers(8, 40)),
                name=name,
            )
            tags = _HASHTAGS[topic]
            chosen = rng.choice(len(tags), size=int(rng.integers(2, 5)), replace=False)
            pool.append((lang, text + " " + " ".join(tags[j] for j in sorted(chosen))))
        pools.append(pool)
    return pools


# --------------------------------------------------------------------------- audience texts

_FIRST = (
    "giulia", "marco", "francesca", "luca", "chiara", "matteo", "sara", "andrea", "elena",
    "davide", "martina", "paolo", "anna", "simone", "laura", "stefano", "valentina", "fabio",
    "silvia", "roberto", "emma", "james", "sophie", "oliver", "hannah", "lukas", "claire",
)  # fmt: skip
_LAST = (
    "rossi", "bianchi", "ferrari", "esposito", "romano", "colombo", "ricci", "marino",
    "greco", "bruno", "gallo", "conti", "deluca", "mancini", "costa", "giordano", "rizzo",
    "lombardi", "moretti", "barbieri", "smith", "mueller", "dubois", "jones", "brown",
)  # fmt: skip
_COMMUNITIES: tuple[dict[str, Any], ...] = (
    {
        "name": "food lovers",
        "share": 0.45,
        "english": 0.08,
        "locations": ("Bologna", "Bologna", "Modena", "Imola", "Casalecchio di Reno", None),
        "bios_it": (
            "Amo il pane fatto bene 🍞", "Fornaio amatoriale. Farine, idratazione, pazienza.",
            "Cuoca per passione, lievito madre addicted", "Sommelier e buongustaio",
            "Recensioni di forni e trattorie a Bologna", None,
        ),
        "bios_en": ("Home baker, sourdough nerd", "Food photographer"),
    },
    {
        "name": "neighbourhood families",
        "share": 0.35,
        "english": 0.03,
        "locations": ("Bologna", "Bologna - Santo Stefano", "Bologna - San Vitale",
                      "Bologna - Saragozza", None),
        "bios_it": (
            "Mamma di due piccoli terremoti", "Papà, ciclista, bolognese doc",
            "Insegnante elementare a Bologna", "Vivo in Santo Stefano da sempre",
            "Nonna e cuoca della domenica", None,
        ),
        "bios_en": ("Dad of three, coffee first",),
    },
    {
        "name": "visitors",
        "share": 0.20,
        "english": 0.80,
        "locations": ("London", "Berlin", "New York", "Amsterdam", "Bologna", "Paris", None),
        "bios_it": ("Viaggiatrice seriale", "Guida turistica in Emilia-Romagna"),
        "bios_en": (
            "Travel writer. Pasta > everything", "Londoner in love with Italy",
            "Food tours in Emilia-Romagna", "Expat in Bologna since 2019",
            "Exploring Europe one bakery at a time", None,
        ),
    },
)  # fmt: skip
_INFLUENCER_BIOS = (
    "Food blogger • ricette e recensioni • collaborazioni via mail",
    "Travel & food creator | Emilia-Romagna",
    "Giornalista enogastronomica, autrice di guide su Bologna",
    "Italian food writer and cookbook author",
)
_AUDIENCE_SIZE = {"instagram": 2000, "facebook": 1200, "mastodon": 500}


# --------------------------------------------------------------------------- helpers


@dataclass
class DemoResult:
    """What :func:`generate_export` wrote."""

    folder: Path
    end_date: date
    channels: list[DemoChannel]
    rows: dict[str, int] = field(default_factory=dict)


def _rome_offsets(days: list[date]) -> list[str]:
    """The Europe/Rome UTC offset of each day at noon, as ``+01:00`` / ``+02:00``."""
    tz = ZoneInfo(TIMEZONE)
    out = []
    for d in days:
        off = datetime(d.year, d.month, d.day, 12, tzinfo=tz).utcoffset() or timedelta(0)
        minutes = int(off.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        out.append(f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}")
    return out


def _format_local(
    day_index: np.ndarray, seconds: np.ndarray, start: date, offsets: list[str], utc: np.ndarray
) -> pa.Array:
    """ISO 8601 strings with offset: local wall time, or UTC with ``Z`` where ``utc``."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    base = np.datetime64(start.isoformat(), "s")
    local = base + day_index.astype("timedelta64[D]") + seconds.astype("timedelta64[s]")
    off_minutes = np.array([int(o[:3]) * 60 for o in offsets], dtype=np.int64)[day_index]
    as_utc = local - off_minutes.astype("timedelta64[m]")
    shown = np.where(utc, as_utc, local)
    text = pa.array(np.datetime_as_string(shown, unit="s"))
    suffix = pa.array(np.where(utc, "Z", np.asarray(offsets, dtype=object)[day_index]))
    return pc.binary_join_element_wise(text, suffix.cast(pa.string()), "")


def _channels_for(total_posts: int | None, accounts: int | None) -> list[DemoChannel]:
    channels = list(BASE_CHANNELS)
    wanted = accounts
    if wanted is None:
        wanted = 6 if not total_posts or total_posts <= 10_000 else math.ceil(total_posts / 20_000)
    wanted = max(len(channels), min(50, wanted)) if accounts is None else max(6, wanted)
    for i in range(len(channels), wanted):
        network = _NETWORK_CYCLE[i % 3]
        owner = f"Forno Concorrente {i - len(BASE_CHANNELS) + 1:02d}"
        account = f"concorrente{i - len(BASE_CHANNELS) + 1:02d}" + (
            "@mastodon.social" if network == "mastodon" else ""
        )
        followers = int(1500 + (i * 7919) % 20000)
        channels.append(DemoChannel(network, account, owner, False, owner, followers, 4, 0.1, 0.03))
    return channels


def _posts_per_channel(channels: list[DemoChannel], total_posts: int | None) -> list[int]:
    weights = [c.posts_per_week for c in channels]
    if not total_posts:
        return [round(w * 52) for w in weights]
    total_w = sum(weights)
    counts = [int(total_posts * w // total_w) for w in weights]
    for i in range(total_posts - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


# --------------------------------------------------------------------------- generator


def generate_export(
    out: Path | str,
    *,
    end_date: date | None = None,
    seed: int = DEFAULT_SEED,
    posts: int | None = None,
    accounts: int | None = None,
    audience: bool = True,
) -> DemoResult:
    """Write the demo export (canonical CSV files) into ``out`` and return what was written.

    :param end_date: the last day of the 12 months of data (default: today).
    :param seed: the random seed; the same seed, end date and sizes give the same bytes.
    :param posts: total posts over all accounts (default: the demo's own rhythm, about 1,300).
        With many posts, extra competitor accounts are added up to 50 (about 20,000 posts
        per account and year), unless ``accounts`` says otherwise.
    :param accounts: the number of accounts (at least the demo's 6).
    :param audience: also write ``audience.csv`` and ``interactions.csv``.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    end = end_date or date.today()
    start = end - timedelta(days=364)
    days = [start + timedelta(days=i) for i in range(365)]
    offsets = _rome_offsets(days)
    weekday = np.array([d.weekday() for d in days], dtype=np.int64)
    rng = np.random.default_rng(seed)
    channels = _channels_for(posts, accounts)
    counts = _posts_per_channel(channels, posts)
    result = DemoResult(out, end, channels)

    hours = np.array(sorted(_HOUR_POSTING), dtype=np.int64)
    hour_p = np.array([_HOUR_POSTING[h] for h in hours])
    hour_p /= hour_p.sum()
    hour_effect = np.zeros(24)
    for h, e in _HOUR_EFFECT.items():
        hour_effect[h] = e
    weekday_effect = np.asarray(_WEEKDAY_EFFECT)
    day_p = np.asarray(_WEEKDAY_POSTING)[weekday]
    day_p /= day_p.sum()

    post_parts: list[dict[str, Any]] = []
    snap_parts: list[dict[str, Any]] = []
    own_posts: list[dict[str, Any]] = []
    for ci, (ch, n) in enumerate(zip(channels, counts, strict=True)):
        crng = np.random.default_rng([seed, ci])
        pools = _text_pool(crng, ch.owner)
        # --- posts: day, time, topic, text
        day_idx = np.sort(crng.choice(365, size=n, p=day_p))
        hour = crng.choice(hours, size=n, p=hour_p)
        secs = hour * 3600 + crng.integers(0, 3600, size=n)
        order = np.lexsort((secs, day_idx))
        day_idx, hour, secs = day_idx[order], hour[order], secs[order]
        topic = crng.choice(3, size=n, p=np.asarray(ch.topics) / sum(ch.topics))
        pick = crng.integers(0, len(pools[0]), size=n)
        flat = [t for pool in pools for t in pool]
        text_idx = topic * len(pools[0]) + pick
        texts = np.asarray([t for _, t in flat], dtype=object)[text_idx]
        langs = np.asarray([lang for lang, _ in flat], dtype=object)[text_idx]
        kind = np.full(n, "post", dtype=object)
        if ch.network == "instagram":
            kind[crng.random(n) < 0.3] = "video"
        elif ch.network == "mastodon":
            r = crng.random(n)
            kind[r < 0.10] = "reply"
            reblog = r > 0.90
            kind[reblog] = "repost"
            texts[reblog] = np.asarray(_REBLOG_TEXTS, dtype=object)[
                crng.integers(0, len(_REBLOG_TEXTS), size=int(reblog.sum()))
            ]
        # --- followers over the year, with jumps after viral posts
        viral = crng.random(n) < 0.02
        if ch.is_client and ch.network == "instagram" and n > 10:
            recent = np.nonzero(day_idx >= 340)[0]
            esc = int(recent[len(recent) // 2]) if len(recent) else n - 1
            texts[esc] = ESCAPING_TEXT
            kind[esc] = "post"
            langs[esc] = "it"
            viral[esc] = True
        viral[kind == "repost"] = False
        t = np.arange(365) / 364.0
        trend = ch.followers * (1 + ch.growth * t) * (1 + 0.01 * np.sin(t * 12.6))
        jumps = np.zeros(365)
        np.add.at(jumps, day_idx[viral], ch.followers * crng.uniform(0.005, 0.02, viral.sum()))
        noise = crng.normal(0, ch.followers * 0.0015, 365).cumsum() * 0.2
        followers = np.maximum(np.rint(trend + jumps.cumsum() + noise), 0).astype(np.int64)
        # --- engagement: followers x rate x weekday x hour x noise x viral
        boost = np.where(viral, crng.uniform(4, 10, n), 1.0)
        if ch.is_client and ch.network == "instagram" and n > 10:
            boost[esc] = 12.0  # the escaping post is a top post of the last month
        factor = (
            weekday_effect[weekday[day_idx]]
            * hour_effect[hour]
            * np.asarray([1.0, 1.1, 0.8])[topic]
            * crng.lognormal(0, 0.25, n)
            * boost
        )
        total = followers[day_idx] * ch.engagement * factor
        known = _OWN_METRICS[ch.network] if ch.is_client else _PUBLIC_METRICS
        reach = followers[day_idx] * crng.uniform(0.25, 0.45, n) * factor**0.7
        values = {
            "likes": total * 0.84,
            "reposts": total * 0.05,
            "replies": total * 0.08,
            "saves": total * 0.06,
            "reach": reach,
            "impressions": reach * crng.uniform(1.1, 1.6, n),
            "views": np.where(kind == "video", reach * crng.uniform(1.2, 2.0, n), reach * 0.9),
            "clicks": total * crng.uniform(0.05, 0.2, n),
        }
        metrics: dict[str, Any] = {}
        no_metrics = kind == "repost"
        for m in ("likes", "reposts", "replies", "quotes", "views", "impressions", "reach",
                  "clicks", "saves"):  # fmt: skip
            if m in known:
                arr = pa.array(np.rint(values[m]).astype(np.int64), mask=no_metrics)
            else:
                arr = pa.nulls(n, pa.int64())
            metrics[m] = arr
        # captured a week after posting (or on the last day)
        cap_day = np.minimum(day_idx + 7, 364)
        cap_secs = np.full(n, 23 * 3600 + 30 * 60)
        utc = np.full(n, ch.network == "mastodon")
        created = _format_local(day_idx, secs, start, offsets, utc)
        captured = _format_local(cap_day, cap_secs, start, offsets, utc)
        captured = pc.if_else(pa.array(no_metrics), pa.scalar(None, pa.string()), captured)
        prefix = {"instagram": "C", "facebook": "F", "mastodon": "1"}[ch.network]
        seq = pa.array(np.arange(n, dtype=np.int64) + 100_000 * (ci + 1))
        post_id = pc_join(prefix, seq)
        url_base = _url(_POST_URLS[ch.network], ch.account)
        post_parts.append(
            {
                "network": pa.array(np.full(n, ch.network, dtype=object), pa.string()),
                "account": pa.array(np.full(n, ch.account, dtype=object), pa.string()),
                "post_id": post_id,
                "created_at": created,
                "kind": pa.array(kind, pa.string()),
                "text": pa.array(texts, pa.string()),
                "url": pc_join(url_base, post_id),
                "language": pa.array(langs, pa.string()),
                **metrics,
                "captured_at": captured,
            }
        )
        # --- daily account snapshots
        prior = int(crng.integers(300, 900))
        per_day = np.bincount(day_idx, minlength=365).cumsum() + prior
        following = np.rint(ch.followers * 0.08 + np.arange(365) * crng.uniform(0.02, 0.2)).astype(
            np.int64
        )
        snap_parts.append(
            {
                "network": pa.array([ch.network] * 365),
                "account": pa.array([ch.account] * 365),
                "captured_at": _format_local(
                    np.arange(365), np.full(365, 84600), start, offsets, np.zeros(365, bool)
                ),
                "followers": pa.array(followers),
                "following": pa.array(following),
                "posts_count": pa.array(per_day),
                "display_name": pa.array([ch.display_name] * 365),
                "url": pa.array([_url(_PROFILE_URLS[ch.network], ch.account)] * 365),
                "bio": pa.array([f"{ch.owner}: pane, dolci e lievito madre a Bologna"] * 365),
            }
        )
        if ch.is_client:
            own_posts.append(
                {
                    "channel": ch,
                    "post_id": post_id.to_pylist(),
                    "day": day_idx,
                    "secs": secs,
                    "topic": topic,
                    "likes": np.rint(values["likes"]).astype(np.int64),
                    "kind": kind,
                }
            )

    result.rows["accounts.csv"] = _write_csv(out / "accounts.csv", snap_parts)
    result.rows["posts.csv"] = _write_csv(out / "posts.csv", post_parts)
    if audience:
        members, interactions = _audience(rng, own_posts, start, offsets)
        result.rows["audience.csv"] = _write_csv(out / "audience.csv", [members])
        result.rows["interactions.csv"] = _write_csv(out / "interactions.csv", [interactions])
    return result


def pc_join(prefix: str, values: pa.Array) -> pa.Array:
    """``prefix + str(value)`` for every value, vectorised."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(prefix, values.cast(pa.string()), "")


def _write_csv(path: Path, parts: list[dict[str, Any]]) -> int:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    tables = [pa.table(p) for p in parts]
    table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
    pacsv.write_csv(table, path)
    return table.num_rows


def _audience(
    rng: np.random.Generator, own_posts: list[dict[str, Any]], start: date, offsets: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Audience members of the client's channels, and their interactions with its posts."""
    import numpy as np

    members: dict[str, list[Any]] = {
        k: []
        for k in (
            "network", "account", "member", "display_name", "bio", "language", "location",
            "followers", "following", "is_follower", "first_seen",
        )
    }  # fmt: skip
    inter: dict[str, list[Any]] = {
        k: []
        for k in (
            "network", "account", "member", "kind", "post_id", "occurred_at", "interaction_id",
        )
    }  # fmt: skip
    shares = np.array([c["share"] for c in _COMMUNITIES])
    for own in own_posts:
        ch: DemoChannel = own["channel"]
        size = _AUDIENCE_SIZE.get(ch.network, 500)
        community = rng.choice(3, size=size, p=shares)
        first = rng.integers(0, len(_FIRST), size)
        last = rng.integers(0, len(_LAST), size)
        influencer = np.zeros(size, dtype=bool)
        influencer[rng.choice(size, size=max(3, size // 250), replace=False)] = True
        followers = np.rint(rng.lognormal(5.6, 1.1, size)).astype(np.int64)
        followers[influencer] = rng.integers(20_000, 250_000, int(influencer.sum()))
        following = np.rint(rng.lognormal(5.8, 0.8, size)).astype(np.int64)
        # active from first_seen for a while: renewal of the network over the year
        first_day = rng.integers(0, 365, size)
        first_day[rng.random(size) < 0.25] = 0
        active_days = np.rint(rng.exponential(150, size)).astype(np.int64) + 20
        handles = []
        for i in range(size):
            base = f"{_FIRST[first[i]]}.{_LAST[last[i]]}{i}"
            if ch.network == "mastodon":
                instance = ("mastodon.social", "mastodon.uno", "fosstodon.org")[i % 3]
                base = f"{_FIRST[first[i]]}{i}@{instance}"
            elif ch.network == "facebook":
                base = f"{_FIRST[first[i]].capitalize()}{_LAST[last[i]].capitalize()}{i}"
            handles.append(base)
        english = rng.random(size)
        bio_pick = rng.random(size)
        loc_pick = rng.random(size)
        for i in range(size):
            com = _COMMUNITIES[community[i]]
            is_en = english[i] < com["english"]
            if influencer[i]:
                bio = _INFLUENCER_BIOS[i % len(_INFLUENCER_BIOS)]
                is_en = "Italian food writer" in bio or "Travel" in bio
            else:
                pool = com["bios_en"] if is_en else com["bios_it"]
                bio = pool[int(bio_pick[i] * len(pool))]
            locs = com["locations"]
            members["network"].append(ch.network)
            members["account"].append(ch.account)
            members["member"].append(handles[i])
            members["display_name"].append(
                f"{_FIRST[first[i]].capitalize()} {_LAST[last[i]].capitalize()}"
            )
            members["bio"].append(bio)
            members["language"].append("en" if is_en else "it")
            members["location"].append(locs[int(loc_pick[i] * len(locs))])
            members["followers"].append(int(followers[i]))
            members["following"].append(int(following[i]))
            members["is_follower"].append(bool(rng.random() < 0.85))
            d = int(first_day[i])
            seen = (start + timedelta(days=d)).isoformat()
            members["first_seen"].append(f"{seen}T09:00:00{offsets[d]}")
        # interactions: members engage mostly with posts of their community's topic
        n_posts = len(own["post_id"])
        chosen_posts = np.arange(n_posts)
        if n_posts > MAX_INTERACTION_POSTS:
            chosen_posts = np.sort(rng.choice(n_posts, MAX_INTERACTION_POSTS, replace=False))
        weight_base = np.where(influencer, 0.6, 1.0)
        counter = 0
        for p in chosen_posts:
            if own["kind"][p] == "repost":
                continue
            day = int(own["day"][p])
            active = (first_day <= day) & (day <= first_day + active_days)
            w = weight_base * np.where(community == own["topic"][p], 8.0, 1.0)
            w = w * np.where(active, 1.0, 0.03)
            k = int(min(rng.poisson(max(own["likes"][p], 1) * 0.35), 80, size))
            if k == 0:
                continue
            who = rng.choice(size, size=k, replace=False, p=w / w.sum())
            kinds = rng.choice(
                ("like", "reply", "repost", "save" if ch.network == "instagram" else "like"),
                size=k,
                p=(0.74, 0.15, 0.08, 0.03),
            )
            delay = rng.exponential(6 * 3600, k).astype(np.int64) + 60
            for j in range(k):
                secs = int(own["secs"][p]) + int(delay[j])
                dd = min(day + secs // 86400, 364)
                ss = secs % 86400
                stamp = (
                    f"{(start + timedelta(days=dd)).isoformat()}T"
                    f"{ss // 3600:02d}:{ss % 3600 // 60:02d}:{ss % 60:02d}{offsets[dd]}"
                )
                kind = str(kinds[j])
                counter += 1
                inter["network"].append(ch.network)
                inter["account"].append(ch.account)
                inter["member"].append(handles[int(who[j])])
                inter["kind"].append(kind)
                inter["post_id"].append(own["post_id"][p])
                inter["occurred_at"].append(stamp)
                inter["interaction_id"].append(
                    f"{kind[0]}{counter}" if kind in ("reply", "repost") else None
                )
    return members, inter


# --------------------------------------------------------------------------- workspace


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def demo_toml(channels: list[DemoChannel], data_path: str = "data") -> str:
    """The ``smm.toml`` of the demo workspace for these channels."""
    lines = [
        "# Demo workspace: Forno Rossi, a fictional bakery in Bologna (generated by smm-files).",
        "# Every channel reads the bundled export in ./data through the 'files' source.",
        "",
        "[client]",
        f"name = {_toml_str(CLIENT)}",
        'segment = "bakery, local food retail"',
        'language = "it"',
        f"timezone = {_toml_str(TIMEZONE)}",
        "",
    ]

    def channel(ch: DemoChannel, table: str) -> list[str]:
        return [
            f"[[{table}]]",
            f"network = {_toml_str(ch.network)}",
            f"handle = {_toml_str(ch.account)}",
            'source = "files"',
            f"label = {_toml_str(ch.label)}",
            "",
        ]

    for ch in channels:
        if ch.is_client:
            lines += channel(ch, "channels")
    owners: dict[str, list[DemoChannel]] = {}
    for ch in channels:
        if not ch.is_client:
            owners.setdefault(ch.owner, []).append(ch)
    for owner, chs in owners.items():
        lines += ["[[competitors]]", f"name = {_toml_str(owner)}", ""]
        lines += [line for ch in chs for line in channel(ch, "competitors.channels")]
    lines += [
        "[keywords]",
        'terms = ["pane", "lievito madre", "forno bologna"]',
        'geo = "IT"',
        'language = "it"',
        "",
        "[report]",
        'period = "30d"',
        'compare = "previous"',
        'language = "it"',
        "",
        "[plugins.files]",
        f"path = {_toml_str(data_path)}",
        "",
    ]
    return "\n".join(lines)


def write_demo_workspace(
    dir: Path | str,
    end_date: date | None = None,
    posts_scale: float = 1,
    *,
    seed: int = DEFAULT_SEED,
) -> Path:
    """Write the demo workspace into ``dir``: ``smm.toml`` and the export in ``dir/data``.

    :param end_date: the last day of the data (default: today); pass a fixed date for
        reproducible output.
    :param posts_scale: multiplies the number of posts (1 = the demo, about 1,300 posts over
        6 accounts; 770 gives about a million posts over 50 accounts).
    :returns: the workspace folder.
    """
    folder = Path(dir)
    folder.mkdir(parents=True, exist_ok=True)
    posts = None
    if posts_scale != 1:
        demo_total = sum(round(c.posts_per_week * 52) for c in BASE_CHANNELS)
        posts = max(1, round(demo_total * posts_scale))
    result = generate_export(folder / "data", end_date=end_date, seed=seed, posts=posts)
    (folder / "smm.toml").write_text(demo_toml(result.channels), encoding="utf-8")
    return folder
