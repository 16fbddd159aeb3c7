"""Settings of the ``trends`` keyword tool (``[plugins.trends]`` in ``smm.toml``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TrendsSettings(BaseModel):
    """How smm-trends talks to Google Trends.

    :param hl: Google's interface language (``"it-IT"``); empty derives it from the query's
        language and geo.
    :param tz: time zone offset in minutes, as Google Trends expects it (``0`` = UTC).
    :param timeout: seconds to wait for each answer.
    :param attempts: tries per request when Google answers 429 (1 = no retry).
    :param wait_initial: seconds before the first retry; the wait doubles each time.
    :param wait_max: the longest wait between two tries.
    :param batch_size: terms per request (Google Trends compares at most 5).
    :param related_limit: related queries kept per term and list (top, rising).
    """

    model_config = ConfigDict(extra="forbid")

    hl: str = ""
    tz: int = 0
    timeout: float = Field(default=20.0, gt=0)
    attempts: int = Field(default=3, ge=1, le=10)
    wait_initial: float = Field(default=10.0, ge=0)
    wait_max: float = Field(default=120.0, ge=0)
    batch_size: int = Field(default=5, ge=2, le=5)
    related_limit: int = Field(default=25, ge=1, le=50)
