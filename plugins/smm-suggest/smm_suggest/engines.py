"""The autocomplete endpoints: how to ask each one and how to read its answer.

Google ``complete/search?client=firefox`` answers ``[query, [suggestions], [], {...}]``;
DuckDuckGo ``ac/?type=list`` answers ``[query, [suggestions]]`` (without ``type=list``, a list
of ``{"phrase": ...}`` objects). Both are unofficial: a 429, or a 200 that is not JSON (Google's
``/sorry/`` captcha page), means the engine refuses for now.
"""

from __future__ import annotations

from typing import Any

from smm_suggest.settings import SuggestSettings


class EngineRefused(Exception):
    """The engine refused (429, 403 or a captcha page): stop asking it in this run."""

    def __init__(self, engine: str, status: int, why: str) -> None:
        super().__init__(f"{engine} refused ({status}): {why}")
        self.engine = engine
        self.status = status


def request_for(
    engine: str, settings: SuggestSettings, text: str, language: str, geo: str
) -> tuple[str, dict[str, str]]:
    """The URL and query parameters that ask ``engine`` to complete ``text``."""
    if engine == "google":
        params = {"client": "firefox", "oe": "utf-8", "q": text}
        if language:
            params["hl"] = language
        if geo:
            params["gl"] = geo.lower()
        return settings.google_url, params
    params = {"q": text, "type": "list"}
    if geo:
        params["kl"] = f"{geo.lower()}-{language or 'en'}"
    return settings.duckduckgo_url, params


def parse_suggestions(body: Any) -> list[str]:
    """The suggestions of a Google (firefox or chrome client) or DuckDuckGo answer."""
    if isinstance(body, list) and len(body) >= 2 and isinstance(body[1], list):
        return [s for s in body[1] if isinstance(s, str) and s.strip()]
    if isinstance(body, list) and all(isinstance(x, dict) for x in body):
        return [x["phrase"] for x in body if isinstance(x.get("phrase"), str)]
    raise ValueError("not an autocomplete answer")
