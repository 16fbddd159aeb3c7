"""Settings of the ``wikipedia`` keyword tool (``[plugins.wikipedia]`` in ``smm.toml``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class WikipediaSettings(BaseModel):
    """Where and how smm-wikipedia asks Wikimedia.

    :param search_url: the MediaWiki API of a language edition (``{lang}`` is replaced);
        its opensearch finds the article for a term.
    :param pageviews_url: the base of the Wikimedia pageviews per-article API.
    :param user_agent: Wikimedia requires a descriptive User-Agent; ``contact`` (an e-mail
        or URL) is appended to it when set.
    :param articles_per_term: how many matching articles to follow per term.
    :param search: find the article with opensearch; ``False`` uses the term as the title.
    :param access: ``all-access``, ``desktop``, ``mobile-app`` or ``mobile-web``.
    :param agent: ``user`` (people), ``all-agents``, ``automated`` or ``spider``.
    """

    model_config = ConfigDict(extra="forbid")

    search_url: str = "https://{lang}.wikipedia.org/w/api.php"
    pageviews_url: str = "https://wikimedia.org/api/rest_v1/metrics/pageviews/per-article"
    user_agent: str = (
        "smm-wikipedia/0.1 (smmcore keyword research; https://pypi.org/project/smm-wikipedia/)"
    )
    contact: str = ""
    articles_per_term: int = Field(default=1, ge=1, le=5)
    search: bool = True
    access: Literal["all-access", "desktop", "mobile-app", "mobile-web"] = "all-access"
    agent: Literal["user", "all-agents", "automated", "spider"] = "user"
