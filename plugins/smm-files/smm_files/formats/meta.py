"""Meta Business Suite content exports: Facebook Page posts, Instagram posts/reels, stories.

Facts (see the user guide's "Native exports" sources): a per-post CSV, UTF-8 with a BOM, header
on line 1 [M1 real files, M3, M4]; English headers [M3, M4], Italian headers from third-party
parsers [M7, M8]; Meta mixes languages in one header row, so every column is matched in every
language [M1]. ``Publish time`` is ``MM/DD/YYYY HH:MM`` without a zone in every locale seen
(Swedish real files keep it [M1]); two projects and the real files' quiet hours say it is US
Pacific time [M1, M2, M7]: no official statement was found, so it is recorded as a fact of
third-party evidence. ``Date`` is ``Lifetime`` in a per-post export; a per-day breakdown has
dates there and is refused [M10]. Metrics are lifetime totals when the file was downloaded:
the snapshot time is the file's modification time.
"""

from __future__ import annotations

from smmcore.exports import DateStyle, ExportColumn, ExportFormat, NumberStyle

META_DATES = DateStyle(
    formats=("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y"),
    timezone="America/Los_Angeles",
    source="M1 M2 M7 (third-party evidence: Pacific time, no official statement)",
)
ITALIAN_NUMBERS = NumberStyle(thousands=(".",), decimal=",")
"""Italian-locale numbers; real Meta files hold plain integers [M1], separators are tolerated."""


def _c(to: str, parse: str = "count", required: bool = False, **headers: str | tuple[str, ...]):
    return ExportColumn(to=to, parse=parse, required=required, headers=headers)  # type: ignore[arg-type]


_COMMON = (
    _c("post_id", "id", True, en="Post ID", sv="Publicerings-id", pt="Identificação do post"),
    _c("created_at", "timestamp", True, en="Publish time", it="Orario di pubblicazione",
       sv="Publiceringstid", pt="Horário de publicação"),
    _c("url", "text", en="Permalink", sv="Permalänk", pt="Link permanente"),
    _c("kind", "kind", en="Post type", it="Tipo di post", sv="Inläggstyp", pt="Tipo de post"),
    _c("views", en="Views", it="Visualizzazioni", sv="Visningar", pt="Visualizações"),
    _c("reach", en="Reach", it="Copertura", sv="Räckvidd", pt="Alcance"),
    _c("replies", en="Comments", it="Commenti", sv="Kommentarer", pt="Comentários"),
    _c("reposts", en="Shares", it="Condivisioni", sv="Delningar", pt="Compartilhamentos"),
)  # fmt: skip

META_KINDS = {
    # Facebook [M1 real, M5]
    "Photos": "post", "Foton": "post", "Links": "post", "Länkar": "post", "Text": "post",
    "Videos": "video", "Videor": "video", "Live": "video", "Reels": "reel",
    "Stories": "story",
    # Instagram [M1 real; IG video / IG story per M5, unconfirmed]; reel and carousel as
    # smm-meta stores them from the API (media_product_type REELS, media_type CAROUSEL_ALBUM)
    "IG image": "post", "IG-bild": "post", "IG carousel": "carousel", "IG-carousel": "carousel",
    "IG reel": "reel", "IG-reel": "reel", "IG video": "video", "IG story": "story",
}  # fmt: skip

_BREAKDOWN = ("Date", "Datum", "Data")

FACEBOOK_POSTS = ExportFormat(
    network="facebook",
    fills="posts",
    columns=(
        *_COMMON,
        _c("account", "text", True, en="Page name", sv="Sidnamn"),
        _c("text", "text", en="Title", it="Titolo", sv="Titel"),
        _c("likes", en="Reactions", it="Reazioni", sv="Reaktioner"),
        _c("clicks", en="Total clicks", sv="Totalt antal klick"),
    ),
    breakdown_column=_BREAKDOWN,
    kinds=META_KINDS,
    dates=META_DATES,
    numbers_by_language={"it": ITALIAN_NUMBERS},
    notes=(
        "Page name is the account: name your channel's export_name after it when the handle "
        "differs.",
        "Impressions, saves and quotes are not in the export (unknown). Reactions count as "
        "likes, Comments as replies, Shares as reposts, Total clicks as clicks.",
        "Publish time is read as US Pacific time (third-party evidence, M1 M2 M7).",
    ),
)

INSTAGRAM_POSTS = ExportFormat(
    network="instagram",
    fills="posts",
    columns=(
        *_COMMON,
        _c(
            "account",
            "text",
            True,
            en="Account username",
            it="Nome utente dell'account",
            sv="Kontots användarnamn",
        ),
        _c("text", "text", en="Description", it="Descrizione", sv="Beskrivning", pt="Descrição"),
        _c("likes", en="Likes", it="Mi piace", sv="Gilla-markeringar", pt="Curtidas"),
        _c("saves", en="Saves", it="Salvataggi", sv="Sparade objekt", pt="Salvamentos"),
    ),
    absent=("Navigation", "Navegação", "Sticker taps"),
    breakdown_column=_BREAKDOWN,
    kinds=META_KINDS,
    dates=META_DATES,
    numbers_by_language={"it": ITALIAN_NUMBERS},
    notes=(
        "Account username is the account (the handle, without @).",
        "Impressions, clicks and quotes are not in the export (unknown); Comments count as "
        "replies and Shares as reposts.",
        "Publish time is read as US Pacific time (third-party evidence, M1 M2 M7).",
    ),
)

INSTAGRAM_STORIES = ExportFormat(
    network="instagram",
    fills="posts",
    columns=(
        *_COMMON[:4],
        _c("views", en="Views", it="Visualizzazioni", sv="Visningar", pt="Visualizações"),
        _c("reach", en="Reach", it="Copertura", sv="Räckvidd", pt="Alcance"),
        _c(
            "account",
            "text",
            True,
            en="Account username",
            it="Nome utente dell'account",
            sv="Kontots användarnamn",
        ),
        _c("text", "text", en="Description", it="Descrizione", sv="Beskrivning", pt="Descrição"),
        _c("likes", en="Likes", it="Mi piace", sv="Gilla-markeringar", pt="Curtidas"),
        _c("replies", en="Replies", pt="Respostas"),
        _c("reposts", en="Shares", it="Condivisioni", sv="Delningar", pt="Compartilhamentos"),
        _c("clicks", en="Link clicks", pt="Cliques no link"),
        _c("_navigation", en="Navigation", pt="Navegação", required=True),
    ),
    breakdown_column=_BREAKDOWN,
    kinds=META_KINDS,
    constants={"kind": "story"},
    dates=META_DATES,
    numbers_by_language={"it": ITALIAN_NUMBERS},
    notes=(
        "Recognised by its Navigation column (English and Portuguese headers from M9; the "
        "exact English header order and the Italian name of Navigation are unconfirmed).",
        "Replies count as replies and Link clicks as clicks; impressions and saves are unknown.",
    ),
)

META_SERIES_TITLES: dict[str, str] = {
    # title line -> daily metric; "network:metric" when the title names the network
    "Views": "views",
    "Viewers": "reach",
    "Reach": "reach",
    "Content interactions": "interactions",
    "Facebook visits": "facebook:page_views",
    "Facebook link clicks": "facebook:link_clicks",
    "Facebook follows": "facebook:new_followers",
    "Instagram follows": "instagram:new_followers",
    "Instagram link clicks": "instagram:link_clicks",
    "Instagram profile visits": "instagram:profile_views",
}
"""The metric titles of Meta's overview time series [M5 M11 M12 M13]."""

META_DAILY_SERIES = ExportFormat(
    network="meta",
    fills="daily",
    encodings=("utf-16",),
    header_within=3,
    columns=(
        _c("day", "date", True, en="Date"),
        _c("value", "count", True, en="Primary"),
    ),
    title_metrics=META_SERIES_TITLES,
    dates=META_DATES,
    notes=(
        "One metric per day for the whole Page or account, named on the title line: "
        "Facebook follows and Instagram follows are stored as new_followers, Facebook visits "
        "as page_views, Instagram profile visits as profile_views, link clicks as "
        "link_clicks, Views as views, Viewers and Reach as reach, Content interactions as "
        "interactions. A title that names no network (Views, Reach, ...) takes the network "
        "of the channel that claims the file (options.export_files) or of the only Facebook "
        "or Instagram channel. Daily reach is never summed into a period's reach (M7).",
        "UTF-16 with a BOM, a sep=, line, the metric's title, then Date,Primary [M11 M12 M13]; "
        "the Italian header line is unconfirmed; a title not listed is named by 'smm files "
        "check' and not stored.",
    ),
)
