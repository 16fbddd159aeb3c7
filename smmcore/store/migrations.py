"""The store's schema as an ordered list of forward migrations.

Migration N brings a store from schema version N-1 to N. Never edit a released migration:
append a new one. The SQL stays portable (DuckDB today, PostgreSQL later): standard types,
``INSERT ... ON CONFLICT``, ``DISTINCT ON``; no engine-only syntax.

Unknown counts are NULL, never 0. Timestamps are ``TIMESTAMPTZ``.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "initial schema",
        """
CREATE TABLE accounts (
    network       VARCHAR NOT NULL,
    account       VARCHAR NOT NULL,
    display_name  VARCHAR,
    url           VARCHAR,
    bio           VARCHAR,
    created_at    TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (network, account)
);

CREATE TABLE account_snapshots (
    network      VARCHAR NOT NULL,
    account      VARCHAR NOT NULL,
    captured_at  TIMESTAMPTZ NOT NULL,
    followers    BIGINT,
    following    BIGINT,
    posts_count  BIGINT,
    PRIMARY KEY (network, account, captured_at)
);

CREATE TABLE posts (
    network     VARCHAR NOT NULL,
    account     VARCHAR NOT NULL,
    post_id     VARCHAR NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    kind        VARCHAR NOT NULL,
    text        VARCHAR,
    url         VARCHAR,
    language    VARCHAR,
    PRIMARY KEY (network, account, post_id)
);

CREATE TABLE post_metrics (
    network      VARCHAR NOT NULL,
    account      VARCHAR NOT NULL,
    post_id      VARCHAR NOT NULL,
    captured_at  TIMESTAMPTZ NOT NULL,
    likes        BIGINT,
    reposts      BIGINT,
    replies      BIGINT,
    quotes       BIGINT,
    views        BIGINT,
    impressions  BIGINT,
    reach        BIGINT,
    clicks       BIGINT,
    saves        BIGINT,
    PRIMARY KEY (network, account, post_id, captured_at)
);

CREATE TABLE audience_members (
    network       VARCHAR NOT NULL,
    account       VARCHAR NOT NULL,
    member        VARCHAR NOT NULL,
    display_name  VARCHAR,
    bio           VARCHAR,
    language      VARCHAR,
    location      VARCHAR,
    followers     BIGINT,
    following     BIGINT,
    is_follower   BOOLEAN,
    first_seen    TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (network, account, member)
);

CREATE TABLE interactions (
    network         VARCHAR NOT NULL,
    account         VARCHAR NOT NULL,
    interaction_id  VARCHAR NOT NULL,
    member          VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    post_id         VARCHAR,
    occurred_at     TIMESTAMPTZ,
    PRIMARY KEY (network, account, interaction_id)
);

CREATE TABLE keyword_signals (
    tool          VARCHAR NOT NULL,
    term          VARCHAR NOT NULL,
    metric        VARCHAR NOT NULL,
    geo           VARCHAR NOT NULL,
    language      VARCHAR NOT NULL,
    timeframe     VARCHAR NOT NULL,
    item          VARCHAR NOT NULL,
    period_start  DATE NOT NULL,
    unit          VARCHAR NOT NULL,
    value         DOUBLE,
    note          VARCHAR,
    retrieved_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tool, term, metric, geo, language, timeframe, item, period_start)
);

CREATE TABLE sync_state (
    unit_key      VARCHAR NOT NULL PRIMARY KEY,
    source        VARCHAR NOT NULL,
    cursor        VARCHAR,
    last_success  TIMESTAMPTZ,
    last_error    VARCHAR,
    updated_at    TIMESTAMPTZ NOT NULL
);
""",
    ),
    (
        2,
        "post_metrics_latest view: the latest metric snapshot of each post",
        """
CREATE VIEW post_metrics_latest AS
SELECT DISTINCT ON (network, account, post_id) *
FROM post_metrics
ORDER BY network, account, post_id, captured_at DESC;
""",
    ),
    (
        3,
        "daily_metrics: daily account-level (or per-post) totals as the network reports them",
        """
CREATE TABLE daily_metrics (
    network  VARCHAR NOT NULL,
    account  VARCHAR NOT NULL,
    day      DATE NOT NULL,
    metric   VARCHAR NOT NULL,
    post_id  VARCHAR NOT NULL DEFAULT '',
    value    DOUBLE,
    PRIMARY KEY (network, account, day, metric, post_id)
);
""",
    ),
    (
        4,
        "post_metrics_extra: metrics a source declares beyond the standard counters",
        """
CREATE TABLE post_metrics_extra (
    network      VARCHAR NOT NULL,
    account      VARCHAR NOT NULL,
    post_id      VARCHAR NOT NULL,
    captured_at  TIMESTAMPTZ NOT NULL,
    metric       VARCHAR NOT NULL,
    value        DOUBLE,
    PRIMARY KEY (network, account, post_id, captured_at, metric)
);

CREATE VIEW post_metrics_extra_latest AS
SELECT DISTINCT ON (network, account, post_id, metric) *
FROM post_metrics_extra
ORDER BY network, account, post_id, metric, captured_at DESC;
""",
    ),
    (
        5,
        "post_metrics_latest becomes a table the store's writes keep current",
        """
DROP VIEW post_metrics_latest;

CREATE TABLE post_metrics_latest (
    network      VARCHAR NOT NULL,
    account      VARCHAR NOT NULL,
    post_id      VARCHAR NOT NULL,
    captured_at  TIMESTAMPTZ NOT NULL,
    likes        BIGINT,
    reposts      BIGINT,
    replies      BIGINT,
    quotes       BIGINT,
    views        BIGINT,
    impressions  BIGINT,
    reach        BIGINT,
    clicks       BIGINT,
    saves        BIGINT
);

INSERT INTO post_metrics_latest
SELECT DISTINCT ON (network, account, post_id) *
FROM post_metrics
ORDER BY network, account, post_id, captured_at DESC;
""",
    ),
]
"""(version, description, SQL). ``keyword_signals.period_start`` is ``1970-01-01`` for
values that are not points of a time series (related queries, suggestions, regions).
``post_metrics_latest`` (a table since version 5, one row per post: its latest snapshot) is
written by the store with ``post_metrics`` (:mod:`smmcore.store.latest`), never directly.
``daily_metrics.day`` is the calendar day the network reports, ``post_id`` is ``''`` for the
whole account and ``metric`` is a name of :data:`smmcore.daily.DAILY_METRICS`."""

SCHEMA_VERSION: int = MIGRATIONS[-1][0]
"""The schema version this smmcore writes."""
