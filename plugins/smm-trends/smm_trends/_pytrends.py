"""Every pytrends quirk, in one place.

pytrends 4.9.2 (April 2023) is unmaintained. This module is the only one that imports it:

- the ``)]}'`` / ``)]}',`` guard before Google's JSON: stripped here, whatever its length
  (pytrends trims a fixed number of characters and breaks when the prefix changes);
- HTTP 429: pytrends raises ``TooManyRequestsError`` (callers back off and then turn it into
  a clear :class:`~smmcore.contracts.SourceError` with :func:`translate`);
- its own retries build ``urllib3.Retry(method_whitelist=...)``, removed in urllib3 2: never
  pass ``retries`` or ``backoff_factor`` (this wrapper sends with a plain session);
- the answers are decoded as UTF-8 (terms like "caffè"), and a non-JSON answer (a consent or
  captcha page) is an error, not a crash deep inside pandas;
- blocking calls: run them off the event loop (``asyncio.to_thread``).

The DataFrames pytrends builds are turned into plain Python values here, so that nothing
outside this module depends on pandas.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import requests
from pytrends import exceptions as pt_exceptions
from pytrends.request import BASE_TRENDS_URL, TrendReq

from smmcore.contracts import SourceError

GUARDS = (")]}',", ")]}'")
"""The anti-JSON-hijacking prefixes Google puts before its JSON."""

TooManyRequestsError = pt_exceptions.TooManyRequestsError
ResponseError = pt_exceptions.ResponseError

REFUSED_MESSAGE = "Google refused (429): wait and retry, or reduce the number of terms"


def strip_guard(text: str) -> str:
    """``text`` without Google's ``)]}'`` guard (with or without the trailing comma)."""
    body = text.lstrip("\ufeff \t\r\n")
    for guard in GUARDS:
        if body.startswith(guard):
            return body[len(guard) :].lstrip(", \t\r\n")
    return body


def parse_google_json(content: bytes) -> Any:
    """Decode a Google Trends answer: UTF-8, guard stripped, JSON parsed."""
    return json.loads(strip_guard(content.decode("utf-8", errors="replace")))


class GuardedTrendReq(TrendReq):
    """pytrends' ``TrendReq`` that sends through one plain ``requests`` session (no urllib3
    retries), strips the guard itself and raises on anything but a JSON 200."""

    def __init__(
        self,
        session: requests.Session,
        *,
        hl: str,
        tz: int,
        timeout: float,
        cookies: dict[str, str] | None = None,
    ) -> None:
        self._session = session
        self._preset_cookies = cookies
        super().__init__(hl=hl, tz=tz, timeout=(min(timeout, 10.0), timeout), retries=0)

    def GetGoogleCookie(self) -> dict[str, str]:
        """The NID cookie Google sets on the explore page (fetched once per client)."""
        if self._preset_cookies is not None:
            return self._preset_cookies
        response = self._session.get(
            f"{BASE_TRENDS_URL}/explore/?geo={self.hl[-2:]}", timeout=self.timeout
        )
        return {k: v for k, v in response.cookies.items() if k == "NID"}

    def _get_data(
        self, url: str, method: str = TrendReq.GET_METHOD, trim_chars: int = 0, **kwargs: Any
    ) -> Any:
        send = self._session.post if method == TrendReq.POST_METHOD else self._session.get
        response = send(
            url, timeout=self.timeout, cookies=self.cookies, headers=self.headers, **kwargs
        )
        if response.status_code == 429:
            raise TooManyRequestsError.from_response(response)
        if response.status_code != 200:
            raise ResponseError.from_response(response)
        try:
            return parse_google_json(response.content)
        except ValueError as exc:
            raise ResponseError(
                "Google Trends answered with something that is not JSON "
                "(a consent or captcha page?)",
                response,
            ) from exc


class TrendsClient:
    """A blocking Google Trends client: one session and cookie, one built payload per batch
    of terms (so interest and related queries of a batch share the explore request)."""

    def __init__(self, *, hl: str, tz: int = 0, timeout: float = 20.0) -> None:
        self.hl = hl
        self.tz = tz
        self.timeout = timeout
        self.session = requests.Session()
        self._cookies: dict[str, str] | None = None
        self._built: dict[tuple[tuple[str, ...], str, str], GuardedTrendReq] = {}

    def _request(self, batch: Sequence[str], timeframe: str, geo: str) -> GuardedTrendReq:
        key = (tuple(batch), timeframe, geo)
        if key not in self._built:
            req = GuardedTrendReq(
                self.session, hl=self.hl, tz=self.tz, timeout=self.timeout, cookies=self._cookies
            )
            self._cookies = req.cookies
            req.build_payload(list(batch), timeframe=timeframe, geo=geo)
            self._built[key] = req
        return self._built[key]

    def interest_over_time(
        self, batch: Sequence[str], timeframe: str, geo: str
    ) -> dict[str, list[tuple[date, int, bool]]]:
        """Term -> [(period start, 0-100, partial)] for one batch of at most 5 terms."""
        frame = self._request(batch, timeframe, geo).interest_over_time()
        return interest_points(frame, batch)

    def interest_by_region(
        self, batch: Sequence[str], timeframe: str, geo: str
    ) -> dict[str, list[tuple[str, str, int]]]:
        """Term -> [(region name, region code, 0-100)] for one batch."""
        frame = self._request(batch, timeframe, geo).interest_by_region(inc_geo_code=True)
        return region_values(frame, batch)

    def related_queries(
        self, batch: Sequence[str], timeframe: str, geo: str
    ) -> dict[str, dict[str, list[tuple[str, int]]]]:
        """Term -> {"top": [(query, 0-100)], "rising": [(query, growth %)]}."""
        raw = self._request(batch, timeframe, geo).related_queries()
        return {term: related_rows(raw, term) for term in batch}


# --------------------------------------------------------------------------- frames -> values


def interest_points(frame: Any, terms: Sequence[str]) -> dict[str, list[tuple[date, int, bool]]]:
    """pytrends' ``interest_over_time()`` DataFrame (index ``date``, one int column per term,
    bool ``isPartial``) as term -> [(day, value, partial)]; terms without data are left out."""
    if frame is None or getattr(frame, "empty", True):
        return {}
    days = [stamp.date() for stamp in frame.index]
    if "isPartial" in frame.columns:
        partial = [bool(flag) for flag in frame["isPartial"]]
    else:
        partial = [False] * len(days)
    return {
        term: [
            (day, int(value), flag)
            for day, value, flag in zip(days, frame[term], partial, strict=True)
        ]
        for term in terms
        if term in frame.columns
    }


def region_values(frame: Any, terms: Sequence[str]) -> dict[str, list[tuple[str, str, int]]]:
    """pytrends' ``interest_by_region(inc_geo_code=True)`` DataFrame (index ``geoName``,
    ``geoCode``, one int column per term) as term -> [(name, code, value)], regions with
    value 0 left out."""
    if frame is None or getattr(frame, "empty", True):
        return {}
    names = [str(name) for name in frame.index]
    codes = [str(c) for c in frame["geoCode"]] if "geoCode" in frame.columns else [""] * len(names)
    found: dict[str, list[tuple[str, str, int]]] = {}
    for term in terms:
        if term not in frame.columns:
            continue
        rows = [
            (name, code, int(value))
            for name, code, value in zip(names, codes, frame[term], strict=True)
            if int(value) > 0
        ]
        if rows:
            found[term] = sorted(rows, key=lambda r: (-r[2], r[0]))
    return found


def related_rows(raw: dict[str, Any], term: str) -> dict[str, list[tuple[str, int]]]:
    """One term of pytrends' ``related_queries()`` (``{term: {"top": DataFrame[query, value]
    | None, "rising": ... | None}}``) as {"top": [...], "rising": [...]}."""
    entry = raw.get(term) or {}
    found: dict[str, list[tuple[str, int]]] = {}
    for key in ("top", "rising"):
        frame = entry.get(key)
        if frame is None or getattr(frame, "empty", True):
            found[key] = []
            continue
        found[key] = [(str(q), int(v)) for q, v in zip(frame["query"], frame["value"], strict=True)]
    return found


# --------------------------------------------------------------------------- errors


def translate(exc: BaseException) -> SourceError:
    """A clear :class:`SourceError` for anything pytrends or requests raised."""
    if isinstance(exc, SourceError):
        return exc
    if isinstance(exc, TooManyRequestsError):
        return SourceError(
            REFUSED_MESSAGE,
            kind="rate_limited",
            hint="Google Trends limits automated requests: try again in a few minutes, "
            "with fewer terms, or use '--tool wikipedia' for absolute pageviews",
        )
    if isinstance(exc, ResponseError):
        status = getattr(getattr(exc, "response", None), "status_code", None)
        if status == 200:
            return SourceError(str(exc), kind="blocked", hint="open trends.google.com in a browser")
        return SourceError(
            f"Google Trends answered HTTP {status}",
            kind="blocked" if status in (401, 403) else "network",
            hint="try again later",
        )
    if isinstance(exc, requests.RequestException):
        return SourceError(
            f"cannot reach Google Trends: {type(exc).__name__}",
            kind="network",
            hint="check the connection and try again",
        )
    return SourceError(
        f"Google Trends answered in an unexpected shape ({type(exc).__name__}: {exc})",
        kind="invalid_data",
        hint="pytrends 4.9.2 may no longer match Google's answers; report it",
    )
