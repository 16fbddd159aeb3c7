"""Settings of the ``suggest`` and ``own-terms`` keyword tools (``[plugins.suggest]``,
``[plugins.own-terms]`` in ``smm.toml``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Engine = Literal["google", "duckduckgo"]
Group = Literal["seed", "questions", "prepositions", "comparisons", "alphabet"]


class SuggestSettings(BaseModel):
    """How smm-suggest asks the autocomplete endpoints (unofficial: stay polite).

    :param engines: which endpoints to ask.
    :param expansions: which expansion groups to send besides the seed itself.
    :param google_url: Google's suggest endpoint (``client=firefox`` JSON).
    :param duckduckgo_url: DuckDuckGo's autocomplete endpoint (``type=list`` JSON).
    :param delay: seconds between two requests to the same engine.
    :param concurrency: requests in flight at once, across engines.
    :param max_requests: the most requests one run sends (the rest of the expansions are
        skipped, with a log line).
    :param timeout: seconds to wait for each answer.
    :param user_agent: the User-Agent sent with every request.
    """

    model_config = ConfigDict(extra="forbid")

    engines: list[Engine] = Field(default_factory=lambda: ["google", "duckduckgo"])
    expansions: list[Group] = Field(
        default_factory=lambda: ["questions", "prepositions", "comparisons", "alphabet"]
    )
    google_url: str = "https://suggestqueries.google.com/complete/search"
    duckduckgo_url: str = "https://duckduckgo.com/ac/"
    delay: float = Field(default=0.5, ge=0)
    concurrency: int = Field(default=2, ge=1, le=4)
    max_requests: int = Field(default=400, ge=1)
    timeout: float = Field(default=10.0, gt=0)
    user_agent: str = "smm-suggest/0.1 (smmcore keyword research)"


class OwnTermsSettings(BaseModel):
    """How the own-terms tool ranks the client's terms and hashtags.

    :param min_posts: a term or hashtag must appear in at least this many posts to rank.
    :param limit: the most terms returned per query term.
    :param min_length: the shortest word counted (hashtags always count).
    :param stopwords: extra words never counted (the Italian and English common words
        already are not).
    :param max_posts: the most recent own posts read (bounds the time on huge stores).
    """

    model_config = ConfigDict(extra="forbid")

    min_posts: int = Field(default=2, ge=1)
    limit: int = Field(default=30, ge=1)
    min_length: int = Field(default=3, ge=1)
    stopwords: list[str] = Field(default_factory=list)
    max_posts: int = Field(default=20_000, ge=1)
