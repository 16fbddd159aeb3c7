"""Native export formats, declared in data: how a network's own export file is recognised and read.

A plugin describes a file that a network's analytics tool writes (Meta Business Suite, LinkedIn,
TikTok Studio, ...) as an :class:`ExportFormat` and registers it with an
:class:`~smmcore.registry.ExportFormatSpec` through ``smm_register_export_formats``. A source that
reads export folders (``smm-files``) recognises each file by its headers and turns its rows into
the canonical columns (``network``, ``account``, ``post_id``, ``created_at``, ``likes``, ...), so
the user drops native files in the folder and writes no column mapping.

Everything here is data plus the small, shared parsing rules every format uses:

- headers match case-insensitively after trimming and stripping a UTF-8 BOM;
- numbers may carry thousand separators (``1,234``; ``1.234`` where the language writes it
  so), a ``%`` sign, a ``K``/``M`` suffix, or be written as floats (``"29.0"``); ``--``, ``-``,
  ``N/A``, ``undefined`` and empty cells are unknown (``None``), never 0;
- dates are parsed with the format's explicit ``strptime`` formats after localised month names
  (Italian, Spanish, ...) are turned into English ones; a date without a year takes the latest
  year that does not put it after the file's capture time (December/January wrap).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from smmcore.daily import DAILY_METRICS
from smmcore.models import PostKind

ColumnParse = Literal["text", "id", "count", "number", "timestamp", "date", "kind"]
"""How a native cell becomes canonical text:

``text``      kept as it is (trimmed); empty is unknown
``id``        an identifier kept as text (``1.22158E+17`` is refused: it lost digits)
``count``     a whole number (see :class:`NumberStyle`); unknown stays unknown
``number``    a decimal number (``4.5%`` is ``0.045``); unknown stays unknown
``timestamp`` a date and time, read with the format's :class:`DateStyle`
``date``      a date without time, read with the format's :class:`DateStyle` (00:00 local)
``kind``      a post kind, translated through :attr:`ExportFormat.kinds`
"""

CANONICAL_FILLS: dict[str, tuple[str, ...]] = {
    "posts": (
        "network", "account", "post_id", "created_at", "kind", "text", "url", "language",
        "likes", "reposts", "replies", "quotes", "views", "impressions", "reach", "clicks",
        "saves", "captured_at",
    ),
    "accounts": (
        "network", "account", "captured_at", "followers", "following", "posts_count",
        "display_name", "url", "bio",
    ),
    # one row per day (and per post when post_id is given); every other column is a metric
    # of smmcore.daily.DAILY_METRICS, stored as (metric, value); ``value`` with title_metrics
    "daily": ("network", "account", "day", "post_id", "value", *DAILY_METRICS),
}  # fmt: skip
"""Canonical file -> the columns a format filling it may produce (the smm-files format)."""

_MONTHS: dict[str, tuple[str, ...]] = {
    # language -> the twelve month names (full); abbreviations are their first three letters
    "en": ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "de": ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
           "september", "oktober", "november", "dezember"),
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december"),
}  # fmt: skip
_EN_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _month_words() -> dict[str, str]:
    words: dict[str, str] = {}
    for names in _MONTHS.values():
        for index, name in enumerate(names):
            words.setdefault(name, _EN_ABBR[index])
            words.setdefault(name[:3], _EN_ABBR[index])
            if name == "septiembre":
                words.setdefault("sept", "Sep")
    return words


_MONTH_WORDS = _month_words()
_MONTH_RE = re.compile(
    r"(?<![^\W\d_])(" + "|".join(sorted(map(re.escape, _MONTH_WORDS), key=len, reverse=True))
    + r")\.?(?![^\W\d_])",
    re.IGNORECASE,
)  # fmt: skip
_FILLER_RE = re.compile(r"\s+(de|del|di)\s+", re.IGNORECASE)  # "1 de febrero de 2026"


def normalize_header(header: Any) -> str:
    """A header as it is compared: BOM stripped, trimmed, inner spaces collapsed, lowercase."""
    text = "" if header is None else str(header)
    return " ".join(text.replace("\ufeff", "").split()).casefold()


def english_months(text: str) -> str:
    """``text`` with localised month names replaced by English abbreviations
    (``"3 febbraio 2026"`` -> ``"3 Feb 2026"``, ``"1 de febrero"`` -> ``"1 Feb"``)."""
    text = _FILLER_RE.sub(" ", text)
    return _MONTH_RE.sub(lambda m: _MONTH_WORDS[m.group(1).lower()], text)


class NumberStyle(BaseModel):
    """How a format writes numbers.

    :param thousands: the thousands separators it may use (``","``; Italian ``"."``).
    :param decimal: the decimal separator (``"."``; Italian ``","``).
    :param unknown: cell texts that mean "not known" (compared case-insensitively).
    :param suffixes: multiplier suffixes (``1.2K``), compared case-insensitively.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    thousands: tuple[str, ...] = (",",)
    decimal: str = "."
    unknown: tuple[str, ...] = ("", "-", "--", "—", "n/a", "na", "undefined", "null", "none")
    suffixes: dict[str, int] = Field(default_factory=lambda: {"k": 1_000, "m": 1_000_000})

    def parse(self, value: Any) -> float | str | None:
        """The number in ``value``: a float, ``None`` when unknown, or the original text
        when it is not a number (so the reader reports it as a bad cell)."""
        if value is None:
            return None
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            return float(value)
        text = str(value).strip().replace("\u00a0", "").replace("\u202f", "")
        if text.casefold() in self.unknown:
            return None
        body = text.replace(" ", "")
        scale = 1.0
        if body.endswith("%"):
            body, scale = body[:-1], 0.01
        elif body and body[-1].lower() in self.suffixes:
            scale = float(self.suffixes[body[-1].lower()])
            body = body[:-1]
        for sep in self.thousands:
            if sep and sep != self.decimal and _grouped(body, sep, self.decimal):
                body = body.replace(sep, "")
                break
        if self.decimal != ".":
            if "." in body:
                return text if self.decimal in body else _plain_float(body, text, scale)
            body = body.replace(self.decimal, ".")
        try:
            number = float(body)
        except ValueError:
            return text
        if number != number or number in (float("inf"), float("-inf")):
            return text
        return number * scale


def _grouped(body: str, sep: str, decimal: str) -> bool:
    """Whether ``body`` is digits grouped by threes with ``sep`` (``1,234`` or ``12,345.5``)."""
    head = body.lstrip("+-").split(decimal, 1)[0]
    parts = head.split(sep)
    return (
        len(parts) > 1
        and 1 <= len(parts[0]) <= 3
        and all(p.isdigit() for p in parts)
        and all(len(p) == 3 for p in parts[1:])
    )


def _plain_float(body: str, text: str, scale: float) -> float | str:
    try:
        return float(body) * scale
    except ValueError:
        return text


class DateStyle(BaseModel):
    """How a format writes dates and times.

    :param formats: ``strptime`` formats tried in order, after localised month names became
        English abbreviations (so write ``%b`` for any month name). ISO 8601 is always tried.
    :param timezone: IANA zone of times written without an offset; ``None`` means the
        user's ``timezone`` setting, else UTC.
    :param year: ``"given"``, or ``"infer"`` for dates written without a year: the latest
        year that does not put the date after the file's capture time.
    :param source: where the time zone and formats were learnt (shown in docs).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    formats: tuple[str, ...] = ()
    timezone: str | None = None
    year: Literal["given", "infer"] = "given"
    source: str = ""

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            ZoneInfo(value)
        return value

    def parse(
        self,
        value: Any,
        *,
        date_only: bool = False,
        zone: str | None = None,
        captured: datetime | None = None,
    ) -> datetime | str | None:
        """An aware datetime, ``None`` when empty, or the original text when unreadable.

        :param zone: the zone to use when the format names none (the user's setting).
        :param captured: the file's capture time, for dates without a year.
        """
        tz = ZoneInfo(self.timezone or zone or "UTC")
        if value is None:
            return None
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=tz)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=tz)
        text = " ".join(str(value).split())
        if not text:
            return None
        found: datetime | None = None
        try:
            found = datetime.fromisoformat(text)
        except ValueError:
            plain = english_months(text)
            for fmt in self.formats:
                try:
                    found = datetime.strptime(plain, fmt)
                except ValueError:
                    continue
                if "%Y" not in fmt and "%y" not in fmt:
                    found = _infer_year(found, captured, tz)
                break
        if found is None:
            return text
        if date_only:
            found = found.replace(hour=0, minute=0, second=0, microsecond=0)
        return found if found.tzinfo else found.replace(tzinfo=tz)


def _infer_year(found: datetime, captured: datetime | None, tz: ZoneInfo) -> datetime:
    ref = (captured or datetime.now(UTC)).astimezone(tz).replace(tzinfo=None)
    candidate = (
        found.replace(year=ref.year)
        if not (found.month == 2 and found.day == 29)
        else (found.replace(year=ref.year) if _leap(ref.year) else found.replace(year=ref.year - 1))
    )
    if candidate > ref + timedelta(days=1):
        candidate = candidate.replace(year=candidate.year - 1)
    return candidate


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


class ExportColumn(BaseModel):
    """One canonical column read from a native column.

    :param to: the canonical column (``"likes"``, ``"created_at"``, ...); a name starting
        with ``_`` is read for recognition only and produces nothing.
    :param headers: language -> the header (or headers) carrying it in that language's
        export. Use ``"*"`` for headers that do not depend on the language.
    :param parse: how the cell is read (:data:`ColumnParse`).
    :param required: a file without this column is not this format.
    :param pattern: a regular expression with one group: the value is that group of the
        cell (an id or a handle inside a URL); a cell that does not match is unknown.
    :param source: where the header names come from (shown in docs).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    to: str
    headers: dict[str, tuple[str, ...]]
    parse: ColumnParse = "text"
    required: bool = False
    pattern: str | None = None
    source: str = ""

    @field_validator("headers", mode="before")
    @classmethod
    def _tuples(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (v,) if isinstance(v, str) else tuple(v) for k, v in value.items()}
        return value

    @field_validator("pattern")
    @classmethod
    def _one_group(cls, value: str | None) -> str | None:
        if value is not None and re.compile(value).groups != 1:
            raise ValueError(f"pattern {value!r} must have exactly one group")
        return value

    def all_headers(self) -> list[str]:
        """Every header of every language, normalised, in declaration order."""
        seen: dict[str, None] = {}
        for names in self.headers.values():
            for name in names:
                seen.setdefault(normalize_header(name), None)
        return list(seen)


class ExportFormat(BaseModel):
    """A native export file, declared in data.

    :param network: the network of every row (``"facebook"``).
    :param fills: the canonical file its rows become: ``"posts"`` (posts and, with
        ``captured_at``, post metrics), ``"accounts"`` (account snapshots) or ``"daily"``
        (daily account-level metrics: a ``day`` column, and one column per metric named after
        :data:`smmcore.daily.DAILY_METRICS`, each stored as a (day, metric, value) row);
        ``None`` for a file that is recognised but whose columns the store does not keep: it
        is named by ``smm files check`` and otherwise skipped.
    :param daily_columns: for a ``posts`` format whose rows also carry daily numbers
        (YouTube's chart data: one row per day and video): a ``day`` column and metric
        columns, stored in ``daily_metrics`` per post, besides the posts themselves.
    :param title_metrics: for a ``daily`` format with one metric per file named on a title
        line above the header (Meta's time series): title -> ``"metric"`` or
        ``"network:metric"`` (the title decides the network, ``"Facebook follows"`` ->
        ``"facebook:new_followers"``); the column ``value`` holds the numbers. A file whose
        title is not listed is recognised and not stored (``smm files check`` says why).
    :param columns: the canonical columns and the native headers carrying them.
    :param file_types: file extensions it comes as (``"csv"``, ``"xlsx"``, ``"xls"``).
    :param encodings: text encodings tried in order for CSV (a UTF-16 file starts with a BOM
        and is read as UTF-16 whatever this says).
    :param header_within: how many rows from the top the header row may be (title rows,
        ``sep=,`` lines before it).
    :param sheets: names of workbook sheets this format reads, when it comes as a workbook.
    :param skip_values: canonical column -> cell values of rows that are not data (YouTube's
        ``Total`` row), compared case-insensitively.
    :param absent: headers whose presence means the file is *not* this format (a stories
        export has ``Navigation``; a chart export has ``Date``).
    :param breakdown_column: headers of a column that says ``Lifetime`` in a per-post export
        and a date in a per-day breakdown: a date there refuses the file, since the same post
        would then appear once per day (Meta's ``Date``).
    :param kinds: native post type -> a post kind of :data:`smmcore.models.PostKind`
        (``"Reels"`` -> ``"reel"``), compared case-insensitively; unlisted types are ``post``.
    :param constants: canonical column -> a value for every row (``kind = "story"``).
    :param captured_at: ``"file"``: the metric snapshot is the file's modification time (a
        lifetime export is a snapshot taken when it was downloaded); ``"column"``: a column
        (``captured_at``) gives it.
    :param numbers: how numbers are written; ``numbers_by_language`` overrides it per
        language.
    :param dates: how dates are written.
    :param account_from_channel: when no column says whose rows these are, the account comes
        from the channel configured for the file (see the smm-files docs).
    :param notes: what a user should know (what is unknown, unconfirmed facts and sources).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    network: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    fills: Literal["posts", "accounts", "daily"] | None
    columns: tuple[ExportColumn, ...]
    daily_columns: tuple[ExportColumn, ...] = ()
    title_metrics: dict[str, str] = Field(default_factory=dict)
    file_types: tuple[str, ...] = ("csv",)
    encodings: tuple[str, ...] = ("utf-8-sig",)
    header_within: int = Field(default=1, ge=1, le=50)
    sheets: tuple[str, ...] = ()
    skip_values: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    absent: tuple[str, ...] = ()
    breakdown_column: tuple[str, ...] = ()
    kinds: dict[str, PostKind] = Field(default_factory=dict)
    constants: dict[str, str] = Field(default_factory=dict)
    captured_at: Literal["file", "column"] = "file"
    numbers: NumberStyle = Field(default_factory=NumberStyle)
    numbers_by_language: dict[str, NumberStyle] = Field(default_factory=dict)
    dates: DateStyle = Field(default_factory=DateStyle)
    account_from_channel: bool = False
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> ExportFormat:
        allowed = set(CANONICAL_FILLS.get(self.fills or "", ()))
        targets = [c.to for c in self.columns if not c.to.startswith("_")] + list(self.constants)
        if self.fills is not None:
            unknown = sorted({t for t in targets if t not in allowed})
            if unknown:
                raise ValueError(
                    f"columns {', '.join(unknown)} are not canonical {self.fills} columns "
                    f"({', '.join(sorted(allowed))})"
                )
        self._check_daily()
        if not any(c.required for c in self.columns):
            raise ValueError("at least one column must be required (it recognises the file)")
        bad_types = [t for t in self.file_types if t not in ("csv", "xlsx", "xls")]
        if bad_types:
            raise ValueError(f"file_types {bad_types}: use csv, xlsx or xls")
        for target in self.skip_values:
            if target not in {c.to for c in self.columns}:
                raise ValueError(f"skip_values names {target!r}, which no column fills")
        return self

    def _check_daily(self) -> None:
        targets = {c.to for c in self.columns}
        if self.fills == "daily" and "day" not in targets:
            raise ValueError("a daily format needs a column to 'day'")
        if self.daily_columns:
            if self.fills != "posts":
                raise ValueError("daily_columns are for a posts format; use fills = 'daily'")
            daily = {c.to for c in self.daily_columns}
            allowed = set(CANONICAL_FILLS["daily"]) - {"value", "network", "account"}
            unknown = sorted(t for t in daily if t not in allowed)
            if unknown:
                raise ValueError(
                    f"daily_columns {', '.join(unknown)} are not daily metrics "
                    f"({', '.join(sorted(DAILY_METRICS))})"
                )
            if "day" not in daily:
                raise ValueError("daily_columns need a column to 'day'")
        if ("value" in targets) != bool(self.title_metrics):
            raise ValueError("a 'value' column and title_metrics go together")
        if self.title_metrics and self.fills != "daily":
            raise ValueError("title_metrics are for a daily format")
        for title, target in self.title_metrics.items():
            network, _, metric = target.rpartition(":")
            if metric not in DAILY_METRICS:
                raise ValueError(
                    f"title_metrics[{title!r}]: {metric!r} is not a daily metric "
                    f"({', '.join(sorted(DAILY_METRICS))})"
                )
            if network and not re.match(r"^[a-z][a-z0-9_-]*$", network):
                raise ValueError(f"title_metrics[{title!r}]: {network!r} is not a network name")

    @property
    def fills_all(self) -> tuple[str, ...]:
        """Every canonical file it fills (``("posts", "daily")`` with daily columns)."""
        out = (self.fills,) if self.fills else ()
        return out + (("daily",) if self.daily_columns else ())

    def daily_metrics(self) -> tuple[str, ...]:
        """The daily metrics it can store (metric columns and title metrics)."""
        cols = self.daily_columns if self.fills == "posts" else self.columns
        if self.fills not in ("daily", "posts"):
            return ()
        found: dict[str, None] = {}
        for col in cols:
            if col.to in DAILY_METRICS:
                found.setdefault(col.to, None)
        for target in self.title_metrics.values():
            found.setdefault(target.rpartition(":")[2], None)
        return tuple(found)

    def title_metric(self, title: str) -> tuple[str | None, str] | None:
        """(network or ``None``, metric) for a title line, or ``None`` when not listed."""
        wanted = normalize_header(title)
        for name, target in self.title_metrics.items():
            if normalize_header(name) == wanted:
                network, _, metric = target.rpartition(":")
                return (network or None, metric)
        return None

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages whose headers it declares (``"*"`` excluded)."""
        found: dict[str, None] = {}
        for col in self.columns:
            for lang in col.headers:
                if lang != "*":
                    found.setdefault(lang, None)
        return tuple(found)

    def number_style(self, language: str | None) -> NumberStyle:
        """The number style of one language."""
        return self.numbers_by_language.get(language or "", self.numbers)

    def recognised_by(self) -> list[str]:
        """The required headers (first spelling of each language), for listings."""
        out: list[str] = []
        for col in self.columns:
            if col.required:
                names: dict[str, None] = {}
                for spellings in col.headers.values():
                    names.setdefault(spellings[0], None)
                out.append(" / ".join(names))
        return out

    def match(self, headers: Sequence[Any], sheet: str | None = None) -> HeaderMatch | None:
        """How this format reads a header row, or ``None`` when it is not this format."""
        wanted = {normalize_header(s) for s in self.sheets}
        if sheet is not None and wanted and normalize_header(sheet) not in wanted:
            return None
        normal = [normalize_header(h) for h in headers]
        position: dict[str, int] = {}
        for index, name in enumerate(normal):
            if name:
                position.setdefault(name, index)
        if any(normalize_header(name) in position for name in self.absent):
            return None
        used: dict[str, int] = {}
        by_column: list[tuple[ExportColumn, int]] = []
        missing: list[str] = []
        votes: dict[str, int] = {}
        for col in self.columns:
            index = None
            for lang, spellings in col.headers.items():
                for name in spellings:
                    found = position.get(normalize_header(name))
                    if found is not None:
                        if index is None:
                            index = found
                        if lang != "*":
                            votes[lang] = votes.get(lang, 0) + 1
            if index is None:
                if col.required:
                    return None
                first = next((names[0] for names in col.headers.values() if names), col.to)
                missing.append(first)
                continue
            by_column.append((col, index))
            used[normal[index]] = index
        daily: list[tuple[ExportColumn, int]] = []
        for col in self.daily_columns:
            index = next(
                (
                    position[normalize_header(name)]
                    for spellings in col.headers.values()
                    for name in spellings
                    if normalize_header(name) in position
                ),
                None,
            )
            if index is None:
                missing.append(next((n[0] for n in col.headers.values() if n), col.to))
                continue
            daily.append((col, index))
            used[normal[index]] = index
        lifetime_index = None
        for name in self.breakdown_column:
            found = position.get(normalize_header(name))
            if found is not None and lifetime_index is None:
                lifetime_index = found
                used[normal[found]] = found
        language = max(votes, key=lambda k: votes[k]) if votes else None
        ignored = [
            str(h).replace("\ufeff", "").strip()
            for h, n in zip(headers, normal, strict=True)
            if n and n not in used
        ]
        return HeaderMatch(
            format=self,
            columns=tuple(by_column),
            language=language,
            used=tuple(
                str(headers[i]).replace("\ufeff", "").strip() for i in sorted(used.values())
            ),
            ignored=tuple(ignored),
            missing=tuple(missing),
            lifetime_index=lifetime_index,
            daily_columns=tuple(daily),
        )


@dataclass(frozen=True)
class HeaderMatch:
    """A header row read as a format: which native column fills which canonical one.

    :param columns: (column, index of the native column) pairs.
    :param language: the language most headers were found in.
    :param used: native headers read; ``ignored``: native headers no column reads;
        ``missing``: headers the format knows but the file lacks (their values are unknown).
    :param lifetime_index: index of the :attr:`ExportFormat.breakdown_column`, if any.
    :param daily_columns: (column, index) pairs of :attr:`ExportFormat.daily_columns`.
    """

    format: ExportFormat
    columns: tuple[tuple[ExportColumn, int], ...]
    language: str | None
    used: tuple[str, ...]
    ignored: tuple[str, ...]
    missing: tuple[str, ...]
    lifetime_index: int | None = None
    daily_columns: tuple[tuple[ExportColumn, int], ...] = ()

    @property
    def score(self) -> int:
        """How specific the match is: the number of columns found."""
        return len(self.columns)


def best_match(
    formats: Iterable[tuple[str, ExportFormat]], headers: Sequence[Any], sheet: str | None = None
) -> tuple[str, HeaderMatch] | None:
    """The format (name, match) that reads ``headers`` with the most columns, or ``None``."""
    best: tuple[str, HeaderMatch] | None = None
    for name, fmt in formats:
        found = fmt.match(headers, sheet)
        if found is not None and (best is None or found.score > best[1].score):
            best = (name, found)
    return best


def load_format(spec: Any) -> ExportFormat:
    """The :class:`ExportFormat` behind an :class:`~smmcore.registry.ExportFormatSpec`,
    checked against the record (same network, fills and languages)."""
    fmt = spec.load()
    if not isinstance(fmt, ExportFormat):
        raise TypeError(f"{spec.impl} is a {type(fmt).__name__}, not an smmcore ExportFormat")
    if fmt.network != spec.network:
        raise ValueError(f"{spec.impl}: network {fmt.network!r} but registered as {spec.network!r}")
    if fmt.fills_all != tuple(spec.fills):
        raise ValueError(f"{spec.impl}: fills {fmt.fills!r} but registered as {spec.fills!r}")
    if spec.languages and set(spec.languages) != set(fmt.languages):
        raise ValueError(
            f"{spec.impl}: languages {', '.join(fmt.languages)} but registered as "
            f"{', '.join(spec.languages)}"
        )
    return fmt
