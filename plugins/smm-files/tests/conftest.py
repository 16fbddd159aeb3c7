"""A tiny hand-made export in the canonical format, shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ACCOUNTS_CSV = """network,account,captured_at,followers,following,posts_count,display_name
instagram,@forno,2026-03-01T23:00:00+01:00,100,50,10,Forno Rossi
instagram,forno,2026-03-02T23:00:00+01:00,105,,11,
"""

POSTS_CSV = """network,account,post_id,created_at,kind,text,url,likes,reposts,replies,quotes,views,impressions,reach,clicks,saves,captured_at
instagram,forno,p1,2026-03-01T08:30:00+01:00,,"Pane caldo, ""buono"" & <b>",https://x/p1,10,2,3,,,500,400,,1,2026-03-02T08:00:00+01:00
instagram,forno,p1,2026-03-01T08:30:00+01:00,,"Pane caldo, ""buono"" & <b>",https://x/p1,12,2,4,,,600,450,,1,2026-03-03T08:00:00+01:00
Mastodon,forno@m.social,109,2026-03-02T18:00:00Z,reply,"due
righe",,0,,,,,,,,,2026-03-03T08:00:00Z
"""  # noqa: E501

AUDIENCE_CSV = """network,account,member,display_name,bio,language,location,followers,following,is_follower,first_seen
instagram,forno,@giulia,Giulia,Amo il pane,it,Bologna,320,,yes,2026-02-01T09:00:00+01:00
instagram,forno,foodblogger,Food Blogger,,en,,120000,80,,
"""  # noqa: E501

INTERACTIONS_CSV = """network,account,member,kind,post_id,occurred_at,interaction_id
instagram,forno,giulia,like,p1,2026-03-01T09:00:00+01:00,
instagram,forno,foodblogger,reply,p1,,c-77
"""


def write_export(folder: Path, **files: str) -> Path:
    """Write ``name=text`` pairs as ``name.csv`` (or the exact name when it has a dot)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        target = folder / (name if "." in name else f"{name}.csv")
        target.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def make_export():
    """``make_export(folder, posts="...", **files)``: write an export folder."""
    return write_export


@pytest.fixture
def posts_csv() -> str:
    """The canonical tiny posts.csv (3 rows: p1 twice, then a two-line toot)."""
    return POSTS_CSV


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """The canonical tiny export: accounts, posts, audience and interactions."""
    return write_export(
        tmp_path / "data",
        accounts=ACCOUNTS_CSV,
        posts=POSTS_CSV,
        audience=AUDIENCE_CSV,
        interactions=INTERACTIONS_CSV,
    )
