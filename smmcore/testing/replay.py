"""Replay recorded HTTP responses to a source or keyword tool, offline.

A recording maps ``"METHOD URL"`` to a response, or to a list of responses served in order::

    {
        "GET https://api.example.com/v1/accounts/forno": {"status": 200, "json": {...}},
        "GET https://api.example.com/v1/posts?account=forno&page=2": [
            {"status": 429, "headers": {"Retry-After": "0"}},
            {"status": 200, "json": []},
        ],
    }

A response has ``status`` (default 200), ``headers``, and one body: ``json`` (any JSON value),
``text`` (a string) or ``body`` (a string sent as is). A cassette file holds the same mapping
as JSON, or ``{"interactions": [{"request": {"method", "url"}, "response": {...}}, ...]}``.

Query parameters match in any order. A request that is not recorded (or a list of responses
that is used up) raises :class:`UnexpectedRequest`, an :class:`AssertionError`, so a source
that catches ``httpx.HTTPError`` cannot swallow it; the transport also keeps every unexpected
request in :attr:`ReplayTransport.unexpected` for a final check.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

Recording = Mapping[str, Any]


class UnexpectedRequest(AssertionError):
    """The code under test sent a request the recording does not hold."""


def request_key(method: str, url: str) -> str:
    """The lookup key of a request: upper-case method, URL with sorted query parameters."""
    parts = urlsplit(str(url))
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    normalized = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))
    return f"{method.upper()} {normalized}"


def load_recording(source: Recording | str | Path) -> dict[str, list[dict[str, Any]]]:
    """Read a recording (a mapping, or the path of a JSON cassette) into key -> responses."""
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read the cassette {path}: {exc}") from exc
    else:
        data = source
    table: dict[str, list[dict[str, Any]]] = {}
    if isinstance(data, Mapping) and "interactions" in data:
        for index, item in enumerate(data["interactions"]):
            try:
                req, resp = item["request"], item["response"]
                key = request_key(req.get("method", "GET"), req["url"])
            except (KeyError, TypeError) as exc:
                raise ValueError(f"interaction {index} needs request.url and response") from exc
            table.setdefault(key, []).append(dict(resp))
        return table
    if not isinstance(data, Mapping):
        raise ValueError("a recording is a mapping of 'METHOD URL' to responses")
    for raw_key, value in data.items():
        method, _, url = str(raw_key).strip().partition(" ")
        if not url:
            method, url = "GET", method
        responses = list(value) if isinstance(value, list) else [value]
        table.setdefault(request_key(method, url.strip()), []).extend(dict(r) for r in responses)
    return table


def _to_response(spec: Mapping[str, Any], request: httpx.Request) -> httpx.Response:
    unknown = set(spec) - {"status", "headers", "json", "text", "body"}
    if unknown:
        raise ValueError(f"recorded response has unknown keys {sorted(unknown)}")
    status = int(spec.get("status", 200))
    headers = dict(spec.get("headers") or {})
    if "json" in spec:
        return httpx.Response(status, headers=headers, json=spec["json"], request=request)
    if "text" in spec:
        return httpx.Response(status, headers=headers, text=spec["text"], request=request)
    body = spec.get("body", "")
    content = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    return httpx.Response(status, headers=headers, content=content, request=request)


class ReplayTransport(httpx.MockTransport):
    """An :class:`httpx.MockTransport` serving a recording; works for sync and async clients.

    :attr requests: every request received, in order.
    :attr unexpected: the keys of requests that had no recorded response.
    """

    def __init__(self, recording: Recording | str | Path) -> None:
        self.table = load_recording(recording)
        self._served: dict[str, int] = {}
        self.requests: list[httpx.Request] = []
        self.unexpected: list[str] = []
        super().__init__(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = request_key(request.method, str(request.url))
        responses = self.table.get(key)
        served = self._served.get(key, 0)
        if not responses or served >= len(responses):
            self.unexpected.append(key)
            why = "is not recorded" if not responses else f"was recorded {len(responses)} time(s)"
            known = "\n  ".join(sorted(self.table)) or "(nothing)"
            raise UnexpectedRequest(f"unexpected request {key} ({why}); recorded:\n  {known}")
        # a single recorded response answers every time; a list is served in order
        if len(responses) > 1:
            self._served[key] = served + 1
        return _to_response(responses[served if len(responses) > 1 else 0], request)

    def unused(self) -> list[str]:
        """Recorded requests that were never sent (a hint the code took another path)."""
        sent = {request_key(r.method, str(r.url)) for r in self.requests}
        return sorted(key for key in self.table if key not in sent)


def replay_transport(recording: Recording | str | Path) -> ReplayTransport:
    """An httpx transport replaying ``recording`` (a mapping, or a JSON cassette path)."""
    return ReplayTransport(recording)
