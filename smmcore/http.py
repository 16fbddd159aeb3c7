"""The shared HTTP layer every source plugin uses through ``ctx.http``.

One :func:`open_client` per sync run gives an :class:`httpx.AsyncClient` whose transport
(:class:`PoliteTransport`) adds, for every request:

- a descriptive User-Agent naming smmcore (and the plugin, through :func:`get_json`'s ``agent``);
- a per-host concurrency limit;
- rate limiting driven by the server's own headers (``X-RateLimit-*`` as Mastodon and X send
  them, ``RateLimit-*`` and ``RateLimit-Policy`` as Bluesky and the IETF draft send them,
  Reddit's ``X-Ratelimit-Used/Remaining/Reset``, Meta's usage headers and ``Retry-After``):
  the client keeps within the limit whether the server counts fixed windows or a sliding
  one (see ``_HostBudget``), so the server does not have to refuse requests;
- retries with exponential backoff and jitter on 429, 5xx and connection errors, capped,
  through :mod:`stamina`;
- conditional requests (``ETag`` / ``Last-Modified``): a ``304`` is answered from the cache.

Plugins read JSON with :func:`get_json` / :func:`fetch_json`, which turn HTTP failures into a
:class:`~smmcore.contracts.SourceError` carrying the network's own error message. URLs are
passed through :func:`redact_url` before they appear in any log line or error message.
"""

from __future__ import annotations

import asyncio
import base64
import contextvars
import email.utils
import hashlib
import json
import logging
import math
import random
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, MutableMapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import stamina
from pydantic import BaseModel, ConfigDict, field_validator

from smmcore import __version__
from smmcore.contracts import SourceError
from smmcore.redact import REDACTED, redact_text, redact_url

__all__ = [
    "BASE_USER_AGENT",
    "HttpError",
    "HttpSourceSettings",
    "PoliteTransport",
    "RateLimitInfo",
    "RateLimitWaitTooLong",
    "RunWaits",
    "WaitDeferred",
    "WaitEvent",
    "WaitScope",
    "fetch_json",
    "get_json",
    "graph_error",
    "next_link",
    "open_client",
    "parse_rate_limit",
    "raise_for_response",
    "redact_headers",
    "redact_text",
    "redact_url",
    "transport_stats",
    "wait_scope",
]

log = logging.getLogger("smmcore.http")

BASE_USER_AGENT = f"smmcore/{__version__} (+https://github.com/smmcore/smmcore)"
"""The User-Agent every request carries; plugins append ``<plugin>/<version>``."""

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Statuses retried with backoff (408 and 425 are rare enough to surface)."""

_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

# --------------------------------------------------------------------------- redaction

_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
)


def redact_headers(headers: Mapping[str, str] | httpx.Headers) -> dict[str, str]:
    """Return a copy of ``headers`` safe to log (credentials replaced by ``REDACTED``)."""
    return {k: (REDACTED if k.lower() in _SECRET_HEADERS else v) for k, v in dict(headers).items()}


# --------------------------------------------------------------------------- rate-limit headers


@dataclass(frozen=True)
class RateLimitInfo:
    """What a response's headers say about the budget of its host.

    :param limit: requests allowed per window.
    :param remaining: requests left in the current window.
    :param reset_in: seconds until the window resets (from now).
    :param window: the window length in seconds, when the server states it.
    :param retry_after: seconds the server asks to wait before the next request.
    :param reason: which header set ``retry_after`` when it was not ``Retry-After``.
    :param usage: the highest share (percent) of a usage budget spent, for networks that
        report usage instead of remaining requests (Meta's ``X-App-Usage``).
    :param window_limit: requests allowed per ``window``, as ``RateLimit-Policy`` states them
        (the policy's own figure, which ``limit`` may not be when both headers are sent).
    """

    limit: int | None = None
    remaining: int | None = None
    reset_in: float | None = None
    window: float | None = None
    retry_after: float | None = None
    reason: str | None = None
    usage: float | None = None
    window_limit: int | None = None

    @property
    def empty(self) -> bool:
        """True when the headers said nothing about rate limits."""
        return self == RateLimitInfo()


def _to_int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return max(0, int(float(value.strip())))
    except ValueError:
        return None


def _reset_seconds(value: str | None, now_epoch: float) -> float | None:
    """Seconds until a reset given as epoch seconds (a number above 10^9), a delta in seconds,
    ISO 8601 / RFC 3339 with an offset, or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        try:
            # RFC 3339 allows a lower-case "z", which fromisoformat does not read
            when = datetime.fromisoformat(value.upper())
        except ValueError:
            return _http_date_seconds(value, now_epoch)
        if when.tzinfo is None:
            return None
        return max(0.0, when.timestamp() - now_epoch)
    if number > 1_000_000_000:  # an epoch timestamp (Bluesky, X), not a delta
        return max(0.0, number - now_epoch)
    return max(0.0, number)


def _http_date_seconds(value: str, now_epoch: float) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now_epoch)


def _parse_policy(value: str) -> tuple[int | None, float | None]:
    """``RateLimit-Policy``: ``60;w=1``, ``100;w=10, 1000;w=3600`` or ``"default";q=100;w=10``.

    Returns the most restrictive (lowest rate) policy as ``(limit, window)``.
    """
    best: tuple[int | None, float | None] = (None, None)
    best_rate = math.inf
    for item in value.split(","):
        limit: int | None = None
        window: float | None = None
        for part in item.split(";"):
            part = part.strip()
            key, eq, val = part.partition("=")
            key = key.strip().lower()
            if not eq:
                limit = _to_int(key) if limit is None else limit
            elif key == "q":
                limit = _to_int(val)
            elif key == "w":
                try:
                    window = float(val)
                except ValueError:
                    window = None
        if limit is not None and window:
            rate = limit / window
            if rate < best_rate:
                best, best_rate = (limit, window), rate
    return best


def parse_rate_limit(headers: httpx.Headers, now_epoch: float | None = None) -> RateLimitInfo:
    """Read every rate-limit header style networks send.

    ``X-RateLimit-Reset`` may be ISO 8601 (Mastodon), epoch seconds or a delta; X sends
    ``x-rate-limit-*`` with epoch seconds;
    ``RateLimit-Reset`` epoch seconds (Bluesky) or a delta (IETF draft); Reddit's
    ``X-Ratelimit-Remaining`` is a float string and ``X-Ratelimit-Used`` + remaining is its
    limit; ``Retry-After`` is seconds or an HTTP date.
    """
    now_epoch = time.time() if now_epoch is None else now_epoch
    get = headers.get
    # the IETF names first, then X-RateLimit-* (Mastodon, Reddit), then X's x-rate-limit-*
    names = ("ratelimit-{}", "x-ratelimit-{}", "x-rate-limit-{}")
    limit = next(
        (n for n in (_to_int(get(f.format("limit"))) for f in names) if n is not None), None
    )
    remaining = next(
        (n for n in (_to_int(get(f.format("remaining"))) for f in names) if n is not None), None
    )
    reset_in = next(
        (
            s
            for s in (_reset_seconds(get(f.format("reset")), now_epoch) for f in names)
            if s is not None
        ),
        None,
    )
    used = _to_int(get("x-ratelimit-used"))
    if limit is None and used is not None and remaining is not None:
        limit = used + remaining
    window: float | None = None
    p_limit: int | None = None
    policy = get("ratelimit-policy")
    if policy:
        p_limit, window = _parse_policy(policy)
        limit = limit or p_limit
    combined = get("ratelimit")  # newer IETF draft: "default";r=50;t=30
    if combined and remaining is None:
        for part in combined.split(";"):
            part = part.strip()
            if part.startswith("r="):
                remaining = _to_int(part[2:])
            elif part.startswith("t="):
                reset_in = _reset_seconds(part[2:], now_epoch)
    retry_after = _reset_seconds(get("retry-after"), now_epoch)
    reason = None
    usage, regain, usage_header = _graph_usage(headers)
    if retry_after is None and regain:
        retry_after, reason = regain, f"{usage_header}: access regained in {regain / 60:.0f} min"
    elif retry_after is None and usage is not None and usage >= 100:
        retry_after = GRAPH_UNKNOWN_WAIT
        reason = (
            f"{usage_header} at {usage:.0f}%, no time given (assumed {GRAPH_UNKNOWN_WAIT:.0f} s)"
        )
    return RateLimitInfo(limit, remaining, reset_in, window, retry_after, reason, usage, p_limit)


GRAPH_USAGE_HEADERS = (
    "x-app-usage",
    "x-business-use-case-usage",
    "x-page-usage",
    "x-ad-account-usage",
)
"""Meta Graph API usage headers: JSON with ``call_count``, ``total_time``, ``total_cputime``
(percent of the budget) and, per business, ``estimated_time_to_regain_access`` (minutes)."""

GRAPH_UNKNOWN_WAIT = 60.0
"""Seconds assumed when a Graph usage header reaches 100% without a time to regain access."""

GRAPH_THROTTLE_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
"""Graph API error codes that mean "too many calls" (application, user, page, custom and the
business-use-case limits), answered with HTTP 400/403 rather than 429."""


def _graph_usage(headers: httpx.Headers) -> tuple[float | None, float | None, str]:
    """``(highest percent used, seconds until access returns, header name)`` from Meta's
    usage headers; ``None`` where they say nothing."""
    highest: float | None = None
    regain: float | None = None
    which = ""
    for name in GRAPH_USAGE_HEADERS:
        raw = headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        entries: list[Any] = []
        if isinstance(data, Mapping):
            if any(isinstance(v, list) for v in data.values()):  # BUC: {"<id>": [{...}]}
                for value in data.values():
                    if isinstance(value, list):
                        entries.extend(v for v in value if isinstance(v, Mapping))
            else:
                entries.append(data)
        for entry in entries:
            for key in ("call_count", "total_time", "total_cputime", "acc_id_util_pct"):
                value = entry.get(key)
                if isinstance(value, int | float) and (highest is None or value > highest):
                    highest, which = float(value), _HEADER_TITLES[name]
            minutes = entry.get("estimated_time_to_regain_access")
            if isinstance(minutes, int | float) and minutes > 0:
                seconds = float(minutes) * 60
                if regain is None or seconds > regain:
                    regain, which = seconds, _HEADER_TITLES[name]
    return highest, regain, which


_HEADER_TITLES = {
    "x-app-usage": "X-App-Usage",
    "x-business-use-case-usage": "X-Business-Use-Case-Usage",
    "x-page-usage": "X-Page-Usage",
    "x-ad-account-usage": "X-Ad-Account-Usage",
}


def graph_error(body: Any) -> tuple[int | None, int | None, str | None]:
    """``(code, error_subcode, message)`` of a Graph API error body
    (``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``)."""
    if not isinstance(body, Mapping):
        return None, None, None
    err = body.get("error")
    if not isinstance(err, Mapping):
        return None, None, None
    code, sub = err.get("code"), err.get("error_subcode")
    message = err.get("error_user_msg") or err.get("message")
    return (
        code if isinstance(code, int) else None,
        sub if isinstance(sub, int) else None,
        str(message) if message else None,
    )


# --------------------------------------------------------------------------- per-host budget


@dataclass
class _HostBudget:
    """Client-side view of one host's rate limit (monotonic clock).

    It keeps the client within a limit whether the server counts requests in fixed windows
    (aligned to its clock: a reset frees the whole budget) or in a sliding window (any
    ``window`` seconds: a reset frees the requests that leave it, one by one), from two
    bounds:

    - **The own log.** With the limit and the window (as ``RateLimit-Policy`` states them;
      otherwise the limit and a window estimated from the resets), at most ``limit``
      requests count in any ``window`` seconds, a request counting from when it is sent until
      ``window`` seconds after its answer arrived (the server counted it somewhere in
      between). That holds under both kinds of window, whatever a reset means.
    - **The server's figure.** The last answer's remaining budget, minus the requests sent
      after that request (and those sent before it and not answered yet, which may reach the
      server after it), until the reset the answer gave (a reset of 0: until the next
      answer); once it is spent, the host waits for that reset. It governs while the own log
      cannot (no window known), and whenever the server counts more requests in the window
      than this client sent: another client spends the same budget.

    Until the first answer from a host arrives, one request at a time probes it, so a client
    never bursts into a limit it has not read yet. When the window is long (a reset further
    away than :data:`ANNOUNCE_AFTER`), the second half of its budget is spread evenly, so
    that no single wait is long; short windows are used as fast as they allow.
    """

    host: str
    semaphore: asyncio.Semaphore
    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None
    window: float | None = None
    window_limit: int | None = None
    window_guess: float | None = None
    others: bool = False  # the server's count showed requests this client did not send
    blocked_until: float = 0.0
    next_at: float = 0.0
    inflight: int = 0
    answered: bool = False
    block_reason: str = "the server asked to wait"
    reason: str = ""
    sent: int = 0  # tickets handed out: the requests sent so far, in order
    figure_ticket: int = 0  # the request whose answer gave ``remaining``
    pending: set[int] = field(default_factory=set)  # tickets sent and not answered yet
    # answer times, oldest first; pruned to the window when it is known, and bounded when it
    # is not (the own log needs the ``limit`` most recent only)
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=100_000))
    send_times: deque[float] = field(default_factory=lambda: deque(maxlen=8192))
    stats: dict[str, int] = field(default_factory=lambda: {"requests": 0, "429": 0, "waits": 0})

    def own_log(self) -> tuple[int | None, float | None]:
        """``(limit, window)`` the own log keeps to: as stated, else the limit and the window
        estimated from the resets."""
        if self.window and self.window_limit:
            return self.window_limit, self.window
        return self.limit, self.window_guess

    def _own_count(self, now: float, span: float) -> int:
        """This client's requests the server may still count: answered within the last
        ``span`` seconds, or in flight."""
        horizon = now - span
        while self.recent and self.recent[0] <= horizon:
            self.recent.popleft()
        return len(self.recent) + self.inflight

    def delay(self, now: float) -> float:
        """Seconds to wait before the next request may go out (0: go now, and count it as
        ticket :attr:`sent`); :attr:`reason` says why."""
        if self.blocked_until > now:
            self.reason = self.block_reason
            return self.blocked_until - now
        if not self.answered and self.inflight > 0:
            self.reason = "waiting for the first answer of this host"
            return 0.01  # probing: wait for the first answer and its headers
        if self.reset_at is not None and now >= self.reset_at:
            # The figure no longer holds: a fixed window starts afresh, a sliding one frees
            # requests as they leave it (the own log bounds what follows).
            self.remaining = self.reset_at = None
        limit, span = self.own_log()
        interval = 0.0
        if self.remaining is not None and (self.others or not (limit and span)):
            if self.remaining <= 0:
                if self.reset_at is not None:
                    self.reason = "its rate-limit window is spent until it resets"
                    return self.reset_at - now + 0.005
                if self.inflight > 0:
                    self.reason = "waiting for an answer that says when the window resets"
                    return 0.01  # an answer will tell when the window resets
            elif (
                self.reset_at is not None
                and self.reset_at - now > ANNOUNCE_AFTER
                and (self.limit is None or self.remaining <= self.limit / 2)
            ):
                interval = (self.reset_at - now) / self.remaining
        if limit and span:
            counted = self._own_count(now, span)
            if counted >= limit:
                self.reason = "its rate-limit window is full"
                extra = counted - limit  # answers that must leave the window first
                if extra < len(self.recent):
                    return self.recent[extra] + span - now + 0.001
                return 0.01  # only requests in flight: their answers start their count
            if span > ANNOUNCE_AFTER and counted >= limit / 2:
                interval = max(interval, span / limit)
        if self.next_at > now:
            self.reason = "spreading requests over its rate-limit window"
            return self.next_at - now
        self.next_at = now + interval
        self.inflight += 1
        self.sent += 1
        self.pending.add(self.sent)
        self.send_times.append(now)
        if self.remaining is not None:
            self.remaining -= 1
        return 0.0

    def settle(self, ticket: int, now: float) -> None:
        """Request ``ticket`` is no longer in flight (answered, or failed in transit)."""
        self.inflight -= 1
        self.pending.discard(ticket)
        self.recent.append(now)

    def _sent_at(self, ticket: int) -> float | None:
        index = ticket - (self.sent - len(self.send_times) + 1)
        return self.send_times[index] if 0 <= index < len(self.send_times) else None

    def update(
        self,
        info: RateLimitInfo,
        now: float,
        *,
        refused: bool,
        status: int = 200,
        ticket: int | None = None,
    ) -> None:
        """Fold the headers of request ``ticket``'s answer into the budget (after
        :meth:`settle`)."""
        self.answered = True
        ticket = self.sent if ticket is None else ticket
        if info.limit is not None:
            self.limit = info.limit
        if info.window is not None and info.window_limit is not None:
            self.window, self.window_limit = info.window, info.window_limit
        if self.window is None and info.reset_in:
            self._guess_window(info, now, ticket, refused)
        if info.remaining is not None and ticket >= self.figure_ticket:
            # Requests sent after this one, and those sent before it still unanswered, may
            # not be counted in its figure yet. (An older answer than the figure's: ignored.)
            earlier = sum(1 for t in self.pending if t < ticket)
            self.remaining = info.remaining - (self.sent - ticket) - earlier
            self.reset_at = now + info.reset_in if info.reset_in else None
            self.figure_ticket = ticket
            span = self.own_log()[1]
            if self.limit is not None and span:
                # the server's count against this client's own: ours answered within the
                # window (the server counted each before its answer) and sent before this one
                self._own_count(now, span)
                own = len(self.recent) + earlier - (1 if refused else 0)
                self.others = self.limit - info.remaining > own
        if info.retry_after is not None:
            if now + info.retry_after > self.blocked_until:
                self.block_reason = info.reason or f"Retry-After of HTTP {status}"
            self.blocked_until = max(self.blocked_until, now + info.retry_after)
        elif refused and self.reset_at is not None and (self.remaining or 0) <= 0:
            if self.reset_at > self.blocked_until:
                self.block_reason = f"HTTP {status}: the rate-limit window resets then"
            self.blocked_until = max(self.blocked_until, self.reset_at)

    def _guess_window(self, info: RateLimitInfo, now: float, ticket: int, refused: bool) -> None:
        """Estimate the window the headers do not state: at least the longest reset seen
        (a fixed window resets at most a window away); and when the budget is spent, the
        reset minus the time the oldest request still counted was sent (under a sliding
        window, that request's arrival plus the window is the reset)."""
        assert info.reset_in is not None
        guess = max(self.window_guess or 0.0, info.reset_in)
        if info.remaining == 0 and self.limit:
            sent_at = self._sent_at(ticket - self.limit + (0 if refused else 1))
            if sent_at is not None:
                guess = max(guess, now + info.reset_in - sent_at)
        self.window_guess = guess


class _RetryableStatus(Exception):
    """A response worth retrying (429, 5xx); carries it for the final attempt."""

    def __init__(self, response: httpx.Response, wait: float | None) -> None:
        super().__init__(f"HTTP {response.status_code} from {response.request.url.host}")
        self.response = response
        self.wait = wait


class _GiveUp(Exception):
    """Stops the retries and re-raises ``cause``."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(type(cause).__name__)
        self.cause = cause


class RateLimitWaitTooLong(SourceError):
    """The server's rate limit needs a longer wait than the client is allowed to make."""


# --------------------------------------------------------------------------- wait caps

ANNOUNCE_AFTER = 2.0
"""Waits at least this long (seconds) are announced when they start and count against the
caps of :class:`WaitScope` and :class:`RunWaits`; shorter ones only pace requests."""


class WaitDeferred(RateLimitWaitTooLong):
    """A wait longer than the unit (or the run) may still wait: the unit is deferred.

    :param host: the host that asked for the wait.
    :param seconds: how long it asked to wait.
    :param reason: why (``"Retry-After of HTTP 429"``, ``"retry 2 of 5 after HTTP 503"``).
    :param retry_at: when the network said it would answer again (UTC).
    """

    def __init__(
        self, message: str, *, host: str, seconds: float, reason: str, retry_at: datetime
    ) -> None:
        super().__init__(message, kind="deferred", hint=None)
        self.host = host
        self.seconds = seconds
        self.reason = reason
        self.retry_at = retry_at


@dataclass(frozen=True)
class WaitEvent:
    """A wait the client starts (``seconds > 0``) or has finished (``seconds == 0``).

    :param label: the unit waiting (empty outside a :func:`wait_scope`).
    :param host: the host whose limit causes the wait.
    :param seconds: the length of the wait.
    :param reason: why the client waits.
    :param until: the wall-clock time (UTC) the wait ends.
    """

    label: str
    host: str
    seconds: float
    reason: str
    until: datetime

    def line(self) -> str:
        """The line announcing the wait: which host, how long, why."""
        who = f"{self.label}: " if self.label else ""
        return (
            f"{who}waiting {self.seconds:.0f} s for {self.host} ({self.reason}), "
            f"until {self.until:%H:%M:%S} UTC"
        )


@dataclass
class RunWaits:
    """The waiting allowed to a whole run (seconds of wall-clock time during which at least
    one unit waits; ``None``: no cap)."""

    limit: float | None
    spent: float = 0.0
    covered_until: float = 0.0

    def added(self, now: float, seconds: float) -> float:
        """The seconds a wait from ``now`` would add to the run's waiting time."""
        return max(0.0, now + seconds - max(now, self.covered_until))

    def allows(self, now: float, seconds: float) -> bool:
        """Whether a wait of ``seconds`` from ``now`` keeps the run within its cap."""
        return self.limit is None or self.spent + self.added(now, seconds) <= self.limit + 1e-6

    def spend(self, now: float, seconds: float) -> None:
        """Count a wait that starts now."""
        self.spent += self.added(now, seconds)
        self.covered_until = max(self.covered_until, now + seconds)


@dataclass
class WaitScope:
    """The waiting allowed to one unit of work (a sync unit) and what it waited.

    :param label: the unit's name, shown in the announcement.
    :param limit: seconds of waits the unit may make in total (``None``: no cap).
    :param run: the run's own cap, shared by every unit of the run.
    :param on_wait: called with each :class:`WaitEvent` of this unit (progress display).
    :param deferred: set when a wait was refused; the unit is then deferred, even if the
        source caught the error and went on.
    """

    label: str = ""
    limit: float | None = None
    run: RunWaits | None = None
    on_wait: Callable[[WaitEvent], None] | None = None
    waited: float = 0.0
    deferred: WaitDeferred | None = None

    def allowance(self, now: float) -> tuple[float | None, str]:
        """The longest wait still allowed and the setting that sets it."""
        best: float | None = None
        which = ""
        if self.limit is not None:
            best, which = max(0.0, self.limit - self.waited), "per unit"
        if self.run is not None and self.run.limit is not None:
            left = max(0.0, self.run.limit - self.run.spent)
            if self.run.covered_until > now:  # waits already running count once
                left += self.run.covered_until - now
            if best is None or left < best:
                best, which = left, "per run"
        return best, which


_WAIT_SCOPE: contextvars.ContextVar[WaitScope | None] = contextvars.ContextVar(
    "smm_wait_scope", default=None
)


@contextmanager
def wait_scope(scope: WaitScope) -> Iterator[WaitScope]:
    """Make ``scope`` the wait scope of every request sent inside the block (in this task and
    the tasks it starts)."""
    token = _WAIT_SCOPE.set(scope)
    try:
        yield scope
    finally:
        _WAIT_SCOPE.reset(token)


# --------------------------------------------------------------------------- the transport


class PoliteTransport(httpx.AsyncBaseTransport):
    """Wraps a transport with per-host limits, header-driven pacing, retries and a
    conditional-request cache.

    :param inner: the transport that really sends (``httpx.AsyncHTTPTransport`` by default).
    :param per_host_limit: requests in flight at once to one host.
    :param max_retries: retries after the first attempt (so ``max_retries + 1`` attempts).
    :param max_wait: the longest single wait (seconds) for a rate limit before giving up
        with a ``rate_limited`` :class:`~smmcore.contracts.SourceError`.
    :param backoff_initial: first backoff in seconds (doubled each retry, plus jitter).
    :param backoff_max: the cap of one backoff.
    :param cache: ETag / Last-Modified cache; pass a dict to keep it across runs
        (values are JSON-ready).
    :param cache_max_entries: oldest entries are dropped beyond this.
    :param on_wait: called with a line of text when the client waits more than a second.
    :param max_idle_connections: keep-alive connections kept open per host, at most
        ``per_host_limit`` (only without ``inner``: each host then has a pool of its own).
    :param max_connect_retries: retries when the host cannot be reached at all (DNS failure,
        connection refused); other connection errors and 429/5xx get ``max_retries``.
    :param clock: the monotonic clock (tests inject a fake one with ``sleep``).
    :param sleep: how to wait (``asyncio.sleep``); every wait, rate limit or retry backoff,
        goes through it, so a wait of :data:`ANNOUNCE_AFTER` seconds or more is announced
        through ``on_wait`` when it starts and checked against the :class:`WaitScope` caps.
    :param wall_clock: the time in seconds since the epoch, which absolute reset times in
        rate-limit headers are measured against (tests inject one moving with ``sleep``).
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        per_host_limit: int = 8,
        max_retries: int = 5,
        max_wait: float = 300.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        cache: MutableMapping[str, Any] | None = None,
        cache_max_entries: int = 512,
        on_wait: Callable[[str], None] | None = None,
        max_idle_connections: int = 256,
        max_connect_retries: int = 2,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.inner = inner
        # Without an injected transport, each host gets a connection pool of its own: the
        # pool's bookkeeping (httpcore's request-to-connection assignment) scans every
        # connection for every queued request, which cost more CPU than parsing the answers
        # with 4 hosts x 8 connections in one pool (encode/httpcore#1035). The per-host
        # semaphores bound the connections in use; the idle ones are kept alive.
        self._keepalive = max(1, min(max_idle_connections, per_host_limit))
        self._pools: dict[str, httpx.AsyncBaseTransport] = {}
        # one TLS context for every pool, made now: loading the CAs takes tens of ms, which
        # inside a run would delay whichever task happens to open the first pool
        self._ssl: Any = httpx.create_ssl_context() if inner is None else None
        self.per_host_limit = max(1, per_host_limit)
        self.max_retries = max(0, max_retries)
        self.max_connect_retries = max(0, min(max_connect_retries, self.max_retries))
        self.max_wait = max_wait
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.cache: MutableMapping[str, Any] = cache if cache is not None else {}
        self.cache_max_entries = cache_max_entries
        self.on_wait = on_wait
        self.clock = clock
        self.sleep = sleep
        self.wall_clock = wall_clock
        self._hosts: dict[str, _HostBudget] = {}

    # ------------------------------------------------------------------ statistics

    def stats(self) -> dict[str, dict[str, int]]:
        """Per host: requests sent, 429 answers received, rate-limit waits made."""
        return {host: dict(b.stats) for host, b in self._hosts.items()}

    def _budget(self, host: str) -> _HostBudget:
        budget = self._hosts.get(host)
        if budget is None:
            budget = _HostBudget(host, asyncio.Semaphore(self.per_host_limit))
            self._hosts[host] = budget
        return budget

    # ------------------------------------------------------------------ sending

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.netloc.decode("ascii")
        budget = self._budget(host)
        cache_key = self._cache_key(request)
        cached = self.cache.get(cache_key) if cache_key else None
        if cached is not None:
            if cached.get("etag"):
                request.headers["If-None-Match"] = cached["etag"]
            if cached.get("last_modified"):
                request.headers["If-Modified-Since"] = cached["last_modified"]
        retry_on = RETRY_STATUSES if request.method in _IDEMPOTENT else frozenset({429})

        connect_failures = 0
        backoff: tuple[float, str] | None = None
        try:
            # stamina decides what is retried and how often; the waits between attempts are
            # made here (zero wait for stamina), so they are announced and capped like the
            # rate-limit waits.
            async for attempt in stamina.retry_context(
                on=self._backoff_hook,
                attempts=self.max_retries + 1,
                timeout=None,
                wait_initial=0,
                wait_max=0,
                wait_jitter=0,
            ):
                with attempt:
                    if backoff is not None:
                        await self._pause(budget, request, *backoff)
                        backoff = None
                    try:
                        response = await self._send_once(request, budget)
                    except httpx.ConnectError as exc:
                        # a host that cannot be reached (DNS, refused) rarely comes back
                        # within seconds: fewer retries than for 429 and 5xx answers
                        connect_failures += 1
                        if connect_failures > self.max_connect_retries:
                            raise _GiveUp(exc) from None
                        backoff = self._backoff(attempt.num, f"{type(exc).__name__}")
                        raise
                    except httpx.TransportError as exc:
                        backoff = self._backoff(attempt.num, f"{type(exc).__name__}")
                        raise
                    if response.status_code in retry_on or "smm_throttled" in response.extensions:
                        wait = self._server_wait(budget)
                        if wait is None:  # no server figure: exponential backoff
                            backoff = self._backoff(attempt.num, f"HTTP {response.status_code}")
                        raise _RetryableStatus(response, wait)
        except _GiveUp as exc:
            raise exc.cause from None
        except _RetryableStatus as exc:
            log.info(
                "giving up on %s %s: HTTP %d",
                request.method,
                redact_url(request.url),
                exc.response.status_code,
            )
            exc.response.extensions["smm_retry_after"] = exc.wait
            return exc.response
        if response.status_code == 304 and cached is not None:
            return self._from_cache(request, response, cached)
        if cache_key and response.status_code == 200:
            self._remember(cache_key, response)
        return response

    async def _send_once(self, request: httpx.Request, budget: _HostBudget) -> httpx.Response:
        async with budget.semaphore:
            ticket = await self._wait_turn(budget, request)  # counts it as in flight
            budget.stats["requests"] += 1
            try:
                response = await self._inner(budget.host).handle_async_request(request)
                try:
                    content = await response.aread()
                finally:
                    await response.aclose()
            finally:
                budget.settle(ticket, self.clock())
            now = self.clock()
            info = parse_rate_limit(response.headers, self.wall_clock())
            refused = response.status_code == 429
            throttle = self._graph_throttle(response.status_code, response.headers, content)
            if throttle is not None:
                refused = True
                if info.retry_after is None:  # Meta gave no time: assume one, say so
                    info = RateLimitInfo(
                        info.limit,
                        info.remaining,
                        info.reset_in,
                        info.window,
                        GRAPH_UNKNOWN_WAIT,
                        f"Graph API error code {throttle}, too many calls; no time given "
                        f"(assumed {GRAPH_UNKNOWN_WAIT:.0f} s)",
                        info.usage,
                        info.window_limit,
                    )
            if refused:
                budget.stats["429"] += 1
            budget.update(info, now, refused=refused, status=response.status_code, ticket=ticket)
            log.debug("%s %s -> %d", request.method, redact_url(request.url), response.status_code)
            extensions = dict(response.extensions)
            if throttle is not None:
                extensions["smm_throttled"] = throttle
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                content=content,
                request=request,
                extensions=extensions,
            )

    async def _wait_turn(self, budget: _HostBudget, request: httpx.Request) -> int:
        """Wait until ``budget`` lets the request go; return its ticket."""
        waited = False
        while True:
            delay = budget.delay(self.clock())
            if delay <= 0:
                return budget.sent
            if not waited:
                budget.stats["waits"] += 1
                waited = True
            await self._pause(budget, request, delay, budget.reason)

    def _backoff(self, attempt: int, cause: str) -> tuple[float, str]:
        """The exponential backoff (with jitter) after failed attempt number ``attempt``."""
        seconds = min(self.backoff_max, self.backoff_initial * 2 ** (attempt - 1))
        seconds += random.uniform(0, self.backoff_initial)
        return seconds, f"retry {attempt} of {self.max_retries} after {cause}"

    async def _pause(
        self, budget: _HostBudget, request: httpx.Request, seconds: float, reason: str
    ) -> None:
        """Wait ``seconds``: announced and capped when it is long, refused when too long."""
        if seconds + 0.05 < ANNOUNCE_AFTER:  # a server's "2 s" is 1.99 s by the time we wait
            await self.sleep(seconds)
            return
        now = self.clock()
        scope = _WAIT_SCOPE.get()
        until = datetime.now(UTC) + timedelta(seconds=seconds)
        if scope is None:
            allowed, which = self.max_wait, "max_wait"
        else:
            allowed, which = scope.allowance(now)
            allowed = min(allowed, self.max_wait) if allowed is not None else self.max_wait
        if seconds > allowed + 1e-6:
            if scope is None:
                raise RateLimitWaitTooLong(
                    f"{budget.host} asks to wait {seconds:.0f} s before the next request "
                    f"({reason}; {request.method} {redact_url(request.url)})",
                    kind="rate_limited",
                    hint="the rate limit of this network is spent; run the sync again later",
                )
            limit_text = (
                f"the {allowed:.0f} s this unit may still wait"
                if which == "per unit"
                else f"the {allowed:.0f} s this run may still wait"
            )
            exc = WaitDeferred(
                f"deferred to the next sync: {budget.host} asks to wait {seconds:.0f} s "
                f"({reason}), more than {limit_text} (setting sync.max_wait"
                f"{'_run' if which == 'per run' else ''}); the network answers again after "
                f"{until:%Y-%m-%d %H:%M:%S} UTC",
                host=budget.host,
                seconds=seconds,
                reason=reason,
                retry_at=until,
            )
            scope.deferred = scope.deferred or exc
            if self.on_wait is not None:
                self.on_wait(f"{scope.label}: {exc}" if scope.label else str(exc))
            raise exc
        event = WaitEvent(scope.label if scope else "", budget.host, seconds, reason, until)
        log.info(event.line())
        if self.on_wait is not None:
            self.on_wait(event.line())
        if scope is not None:
            scope.waited += seconds
            if scope.run is not None:
                scope.run.spend(now, seconds)
            if scope.on_wait is not None:
                scope.on_wait(event)
        try:
            await self.sleep(seconds)
        finally:
            if scope is not None and scope.on_wait is not None:
                scope.on_wait(WaitEvent(event.label, event.host, 0.0, reason, datetime.now(UTC)))

    @staticmethod
    def _graph_throttle(status: int, headers: httpx.Headers, content: bytes) -> int | None:
        """The Graph API throttling code of an HTTP 400/403/429 answer, else ``None``."""
        if status not in (400, 403, 429) or len(content) > 65536 or b'"code"' not in content:
            return None
        try:
            body = json.loads(content)
        except ValueError:
            return None
        code, _, _ = graph_error(body)
        return code if code in GRAPH_THROTTLE_CODES else None

    def _server_wait(self, budget: _HostBudget) -> float | None:
        now = self.clock()
        if budget.blocked_until > now:
            return budget.blocked_until - now
        return None

    def _backoff_hook(self, exc: Exception) -> bool | float:
        # 0.0: retry at once; the wait itself is made by _pause / _wait_turn.
        if isinstance(exc, _RetryableStatus):
            return 0.0
        permanent = httpx.UnsupportedProtocol | httpx.LocalProtocolError | httpx.ProxyError
        if isinstance(exc, httpx.TransportError) and not isinstance(exc, permanent):
            return 0.0
        return False

    # ------------------------------------------------------------------ conditional cache

    @staticmethod
    def _cache_key(request: httpx.Request) -> str | None:
        if request.method != "GET":
            return None
        if "if-none-match" in request.headers or "if-modified-since" in request.headers:
            return None  # the caller manages its own conditional request
        raw = f"{request.url}\n{request.headers.get('accept', '')}".encode()
        return hashlib.sha256(raw).hexdigest()  # never store URLs that may hold secrets

    def _remember(self, key: str, response: httpx.Response) -> None:
        etag = response.headers.get("etag")
        modified = response.headers.get("last-modified")
        if not etag and not modified:
            return
        self.cache.pop(key, None)
        self.cache[key] = {
            "etag": etag,
            "last_modified": modified,
            "content_type": response.headers.get("content-type"),
            "body": base64.b64encode(response.content).decode("ascii"),
        }
        while len(self.cache) > self.cache_max_entries:
            self.cache.pop(next(iter(self.cache)))

    @staticmethod
    def _from_cache(
        request: httpx.Request, response: httpx.Response, cached: Mapping[str, Any]
    ) -> httpx.Response:
        headers = httpx.Headers(response.headers)
        if cached.get("content_type"):
            headers["content-type"] = cached["content_type"]
        headers["x-smm-cache"] = "revalidated"
        headers.pop("content-length", None)
        return httpx.Response(
            200,
            headers=headers,
            content=base64.b64decode(cached["body"]),
            request=request,
        )

    def _inner(self, host: str) -> httpx.AsyncBaseTransport:
        """The transport that sends to ``host``: the injected one, or the host's own pool."""
        if self.inner is not None:
            return self.inner
        pool = self._pools.get(host)
        if pool is None:
            pool = httpx.AsyncHTTPTransport(
                verify=self._ssl,
                retries=0,
                limits=httpx.Limits(
                    max_connections=None,
                    max_keepalive_connections=self._keepalive,
                    keepalive_expiry=30.0,
                ),
            )
            self._pools[host] = pool
        return pool

    async def aclose(self) -> None:
        if self.inner is not None:
            await self.inner.aclose()
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()


# --------------------------------------------------------------------------- the client


class _RedactingFilter(logging.Filter):
    """Redacts the URLs httpx itself logs (``HTTP Request: GET <url> ...``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                redact_url(a) if isinstance(a, httpx.URL) else a for a in record.args
            )
        return True


def _log_retry(details: Any) -> None:
    """stamina retry hook: one INFO line on ``smmcore.http`` (no URL, no secrets)."""
    log.info(
        "retry %d in %.1f s after %s",
        details.retry_num,
        details.wait_for,
        details.caused_by,
    )


def _install_log_redaction() -> None:
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, _RedactingFilter) for f in logger.filters):
        logger.addFilter(_RedactingFilter())
    # stamina's default hook writes a bare WARNING line to stderr on every retry; the CLI
    # shows waits itself, so retries go to this module's logger at INFO instead.
    from stamina.instrumentation import get_on_retry_hooks, set_on_retry_hooks

    if _log_retry not in get_on_retry_hooks():
        set_on_retry_hooks([_log_retry])


def open_client(
    *,
    user_agent_extra: str = "",
    per_host_limit: int = 8,
    timeout: float = 30,
    transport: httpx.AsyncBaseTransport | None = None,
    max_retries: int = 5,
    max_wait: float = 300.0,
    backoff_initial: float = 0.5,
    backoff_max: float = 30.0,
    cache: MutableMapping[str, Any] | None = None,
    on_wait: Callable[[str], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    wall_clock: Callable[[], float] = time.time,
) -> httpx.AsyncClient:
    """Open the shared client of one sync run (close it with ``await client.aclose()`` or
    use it as ``async with``).

    :param user_agent_extra: appended to ``smmcore/<version> (+url)`` (``"smm-mastodon/0.1"``).
    :param per_host_limit: requests in flight at once to one host.
    :param timeout: seconds for each request (connect, read, write, pool).
    :param transport: the transport that really sends (tests pass ``httpx.MockTransport``).
    :param max_retries: retries after the first attempt on 429, 5xx and connection errors.
    :param max_wait: the longest wait for one rate limit before giving up on the request.
    :param cache: an ETag / Last-Modified cache to reuse across runs (a JSON-ready dict).
    :param on_wait: called with a line of text when the client starts a wait of
        :data:`ANNOUNCE_AFTER` seconds or more (rate limit, ``Retry-After``, retry backoff),
        or defers a unit whose wait would be longer than its :class:`WaitScope` allows.
    :param clock: the monotonic clock; :param sleep: how to wait; :param wall_clock: the
        epoch time absolute reset headers are read against (tests inject all three).

    The transport is a :class:`PoliteTransport`; ``client._transport.stats()`` (or
    :func:`transport_stats`) reports requests, 429s and waits per host.
    """
    polite = PoliteTransport(
        transport,
        per_host_limit=per_host_limit,
        max_retries=max_retries,
        max_wait=max_wait,
        backoff_initial=backoff_initial,
        backoff_max=backoff_max,
        cache=cache,
        on_wait=on_wait,
        clock=clock,
        sleep=sleep,
        wall_clock=wall_clock,
    )
    _install_log_redaction()
    agent = f"{BASE_USER_AGENT} {user_agent_extra}".strip()
    return httpx.AsyncClient(
        transport=polite,
        headers={"User-Agent": agent, "Accept": "application/json, */*;q=0.5"},
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=True,
    )


@asynccontextmanager
async def shared_client(
    ctx: Any, *, user_agent_extra: str = ""
) -> AsyncIterator[httpx.AsyncClient]:
    """The run's shared client (``ctx.http`` of a source or keyword-tool context), or, when a
    plugin is called outside the pipeline (a script, a test), a polite client of its own that
    is closed on exit::

        async with shared_client(ctx, user_agent_extra=AGENT) as http:
            ...
    """
    if getattr(ctx, "http", None) is not None:
        yield ctx.http
        return
    async with open_client(user_agent_extra=user_agent_extra) as client:
        yield client


def transport_stats(client: httpx.AsyncClient) -> dict[str, dict[str, int]]:
    """Per-host request, 429 and wait counts of a client made by :func:`open_client`."""
    transport = getattr(client, "_transport", None)
    return transport.stats() if isinstance(transport, PoliteTransport) else {}


# --------------------------------------------------------------------------- JSON helpers


class HttpError(SourceError):
    """An HTTP or payload failure, as a per-unit :class:`SourceError`.

    :param status: the HTTP status (``None`` for a connection failure).
    :param error_code: the network's machine-readable error (``"RateLimitExceeded"``,
        ``"quotaExceeded"``), when the body names one.
    :param payload: the decoded error body, when it was JSON.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str = "error",
        hint: str | None = None,
        status: int | None = None,
        error_code: str | None = None,
        payload: Any = None,
    ) -> None:
        super().__init__(message, kind=kind, hint=hint)
        self.status = status
        self.error_code = error_code
        self.payload = payload


_STATUS_KINDS: dict[int, tuple[str, str]] = {
    400: ("error", "check the account name and the source settings"),
    401: ("auth", "check the access token or API key in the environment"),
    403: ("blocked", "the account is private, or the network refuses this client"),
    404: ("not_found", "check the account name and the base_url setting"),
    410: ("not_found", "the account or content was removed"),
    429: ("rate_limited", "the network's rate limit is spent; run the sync again later"),
}


def _error_details(body: Any) -> tuple[str | None, str | None]:
    """``(code, message)`` from the error bodies networks send."""
    if not isinstance(body, Mapping):
        return None, None
    code = message = None
    err = body.get("error")
    if isinstance(err, Mapping):  # Google: {"error": {"code", "message", "errors": [...]}}
        message = err.get("message")
        errors = err.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
            code = errors[0].get("reason")
    elif isinstance(err, str):
        code = err
    for key in ("error_description", "message", "detail", "reason"):
        value = body.get(key)
        if isinstance(value, str) and value:
            message = message or value
    if message is None and isinstance(err, str):
        message = err
    return (str(code) if code is not None else None), (str(message) if message else None)


def _decode(response: httpx.Response) -> Any:
    text = response.content.decode(response.encoding or "utf-8", errors="replace")
    if text.startswith(")]}'"):  # Google's anti-hijacking prefix
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return json.loads(text)


def raise_for_response(response: httpx.Response, *, network: str = "") -> None:
    """Raise :class:`HttpError` for an error status, with the network's message."""
    status = response.status_code
    if status < 400:
        return
    try:
        body = _decode(response)
    except ValueError:
        body = None
    code, message = _error_details(body)
    url = redact_url(response.request.url) if response.request else ""
    where = network or response.url.host
    detail = f": {message[:300]}" if message else ""
    text = f"{where} answered HTTP {status} for {url}{detail}"
    if status >= 500:
        kind, hint = "network", "the server failed even after retries; try again later"
    else:
        kind, hint = _STATUS_KINDS.get(status, ("error", None))  # type: ignore[assignment]
    if response.extensions.get("smm_throttled"):
        kind, hint = _STATUS_KINDS[429]
    if status == 429 or response.extensions.get("smm_throttled"):
        wait = response.extensions.get("smm_retry_after")
        if wait:
            hint = f"the network asks to wait {wait:.0f} s; run the sync again later"
    raise HttpError(text, kind=kind, hint=hint, status=status, error_code=code, payload=body)


async def fetch_json(
    client: httpx.AsyncClient,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    agent: str = "",
    network: str = "",
) -> tuple[Any, httpx.Response]:
    """GET ``url`` and return ``(decoded JSON, response)``.

    :param agent: ``"<plugin>/<version>"``, appended to the client's User-Agent.
    :param network: the name used in error messages (defaults to the host).
    :raises HttpError: for connection failures (``network``), HTTP errors (``auth`` for 401,
        ``blocked`` for 403, ``not_found`` for 404, ``rate_limited`` for 429, ``network``
        for 5xx) and malformed JSON (``invalid_data``), with the network's own message.
    """
    merged: dict[str, str] = dict(headers or {})
    if agent:
        base = client.headers.get("User-Agent", BASE_USER_AGENT)
        merged.setdefault("User-Agent", f"{base} {agent}" if agent not in base else base)
    clean_params = {k: v for k, v in (params or {}).items() if v is not None}
    try:
        response = await client.get(url, params=clean_params or None, headers=merged)
    except SourceError:
        raise
    except httpx.HTTPError as exc:
        where = network or httpx.URL(url).host
        raise HttpError(
            f"cannot reach {where} ({type(exc).__name__}) for {redact_url(url)}",
            kind="network",
            hint="check the connection and the base_url setting",
        ) from None
    # httpx links a response and its stream both ways; unlinking frees each page at once
    # instead of at the next cyclic garbage collection (keeps memory flat in the page count).
    response.stream = httpx.ByteStream(b"")
    raise_for_response(response, network=network)
    try:
        data = _decode(response)
    except ValueError:
        raise HttpError(
            f"{network or response.url.host} sent a response that is not JSON for "
            f"{redact_url(response.request.url)}",
            kind="invalid_data",
            hint="the base_url may point at a web page instead of the API",
            status=response.status_code,
        ) from None
    return data, response


async def get_json(
    client: httpx.AsyncClient,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    agent: str = "",
    network: str = "",
) -> Any:
    """GET ``url`` and return the decoded JSON; errors as in :func:`fetch_json`."""
    data, _ = await fetch_json(
        client, url, params=params, headers=headers, agent=agent, network=network
    )
    return data


def next_link(response: httpx.Response) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header (Mastodon, GitHub style paging)."""
    link = response.links.get("next")
    return link.get("url") if link else None


# --------------------------------------------------------------------------- settings


class HttpSourceSettings(BaseModel):
    """Settings every HTTP source accepts; subclass it for a plugin's settings model.

    :param base_url: where the API lives (a self-hosted instance, a proxy, a test server);
        ``None`` uses the network's default.

    Unknown keys are errors, so a misspelt setting (``token`` for ``access_token``) is
    reported instead of silently ignored.
    """

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = None

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return value
