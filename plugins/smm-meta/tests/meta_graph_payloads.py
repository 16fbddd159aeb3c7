"""Graph API responses for the tests, built from Meta's documented shapes.

VERBATIM (shape and field names copied from Meta's reference pages):
- the error envelope ``{"error": {"message", "type", "code", "error_subcode",
  "error_user_title", "error_user_msg", "fbtrace_id"}}`` (Graph API "Handling Errors");
- the insights frame ``{"data": [{"name", "period", "values": [{"value"}], "title",
  "description", "id": "<id>/insights/<name>/lifetime"}]}`` (IG Media Insights reference);
- the paging frame ``{"data": [...], "paging": {"cursors": {"before", "after"}, "next"}}``;
- the message "(#10) Not enough viewers for the media to show insights" (IG Media Insights);
- the IG User / IG Media / Page / Page Post field names, and the enums ``media_type``
  (IMAGE, VIDEO, CAROUSEL_ALBUM) and ``media_product_type`` (FEED, REELS, STORY);
- the usage header shapes ``X-App-Usage: {"call_count", "total_time", "total_cputime"}`` and
  ``X-Business-Use-Case-Usage: {"<id>": [{"type", "call_count", "total_cputime",
  "total_time", "estimated_time_to_regain_access"}]}`` (Graph API "Rate Limiting").

CONSTRUCTED: every id, name, caption, count, timestamp, cursor string and fbtrace_id; the
wording of the 190/463, permission and metric[...] error messages (Meta's codes, our text).
No real account's data.
"""

from __future__ import annotations

from typing import Any

BASE = "https://graph.facebook.com"
V = "v24.0"
ROOT = f"{BASE}/{V}"
TOKEN = "EAAtest-token-never-printed"

IG_ID = "17841400000000001"
IG_USER = "fornorossi.bologna"
PAGE_ID = "100000000000001"
PAGE_USER = "fornorossi"

IG_PROFILE_FIELDS = "id,username,name,biography,website,followers_count,follows_count,media_count"
IG_MEDIA_FIELDS = (
    "id,caption,media_type,media_product_type,timestamp,permalink,like_count,comments_count"
)
FB_PAGE_FIELDS = "id,name,username,about,link,followers_count,fan_count"
FB_POST_FIELDS = (
    "id,message,created_time,permalink_url,status_type,shares,"
    "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),"
    "attachments{media_type,type}"
)
IG_METRICS = "views,reach,saved,shares"
STORY_METRICS = "views,reach,replies,shares"
FB_METRICS = "post_media_view,post_total_media_view_unique,post_clicks"


def error(code: int, message: str, *, sub: int | None = None, kind: str = "OAuthException"):
    body: dict[str, Any] = {
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": "AbCdEfGhIjK",
    }
    if sub is not None:
        body["error_subcode"] = sub
    return {"error": body}


def insights(object_id: str, values: dict[str, int]) -> dict[str, Any]:
    return {
        "data": [
            {
                "name": name,
                "period": "lifetime",
                "values": [{"value": value}],
                "title": name.replace("_", " ").title(),
                "description": f"{name} of the object",
                "id": f"{object_id}/insights/{name}/lifetime",
            }
            for name, value in values.items()
        ]
    }


def paged(items: list[dict[str, Any]], after: str | None, url: str) -> dict[str, Any]:
    paging: dict[str, Any] = {
        "cursors": {"before": "QVFIUmJlZAm9yZA", "after": after or "QVFIUmVuZA"}
    }
    if after:
        # Meta's next URLs carry the token; the plugin must not follow them.
        paging["next"] = f"{url}&access_token={TOKEN}&after={after}"
    return {"data": items, "paging": paging}


def ig_media(
    mid: str,
    when: str,
    mtype: str,
    product: str,
    likes: int | None,
    comments: int | None,
    caption: str,
) -> dict[str, Any]:
    media: dict[str, Any] = {
        "id": mid,
        "caption": caption,
        "media_type": mtype,
        "media_product_type": product,
        "timestamp": when,
        "permalink": f"https://www.instagram.com/p/{mid[-6:]}/",
    }
    if likes is not None:  # like_count is omitted when the owner hides likes
        media["like_count"] = likes
    if comments is not None:
        media["comments_count"] = comments
    return media


IG_PROFILE = {
    "id": IG_ID,
    "username": IG_USER,
    "name": "Forno Rossi",
    "biography": "Pane a lievitazione naturale dal 1962",
    "website": "https://fornorossi.example",
    "followers_count": 1520,
    "follows_count": 87,
    "media_count": 4,
}
MEDIA = [
    ig_media("18000000000000004", "2026-03-28T09:00:00+0000", "VIDEO", "REELS", 240, 2, "Reel"),
    ig_media(
        "18000000000000003", "2026-03-25T09:00:00+0000", "CAROUSEL_ALBUM", "FEED", 95, 0, "Album"
    ),
    ig_media("18000000000000002", "2026-03-20T09:00:00+0000", "IMAGE", "FEED", None, 1, "Foto"),
    ig_media("18000000000000001", "2026-03-10T09:00:00+0000", "VIDEO", "FEED", 12, 0, "Video"),
]
STORY = ig_media("18000000000000009", "2026-03-31T20:00:00+0000", "IMAGE", "STORY", None, None, "")
del STORY["permalink"]

IG_COMMENTS = {
    "18000000000000004": [
        {"id": "17900000000000001", "timestamp": "2026-03-28T10:00:00+0000", "username": "anna.b"},
        {"id": "17900000000000002", "timestamp": "2026-03-28T11:00:00+0000", "username": "luca_m"},
    ],
    "18000000000000002": [
        {"id": "17900000000000003", "timestamp": "2026-03-21T08:00:00+0000", "username": "anna.b"}
    ],
}

FB_PAGE = {
    "id": PAGE_ID,
    "name": "Forno Rossi",
    "username": PAGE_USER,
    "about": "Panificio artigianale a Bologna",
    "link": "https://www.facebook.com/fornorossi",
    "followers_count": 3310,
    "fan_count": 3102,
}
FB_POSTS = [
    {
        "id": f"{PAGE_ID}_900000000000003",
        "message": "Il nuovo video della focaccia",
        "created_time": "2026-03-27T16:00:00+0000",
        "permalink_url": "https://www.facebook.com/fornorossi/posts/900000000000003",
        "status_type": "added_video",
        "shares": {"count": 4},
        "reactions": {"data": [], "summary": {"total_count": 61}},
        "comments": {"data": [], "summary": {"total_count": 1}},
        "attachments": {"data": [{"media_type": "video", "type": "video_inline"}]},
    },
    {
        "id": f"{PAGE_ID}_900000000000002",
        "message": "Album: la nostra bottega",
        "created_time": "2026-03-22T16:00:00+0000",
        "permalink_url": "https://www.facebook.com/fornorossi/posts/900000000000002",
        "status_type": "added_photos",
        "reactions": {"data": [], "summary": {"total_count": 33}},
        "comments": {"data": [], "summary": {"total_count": 0}},
        "attachments": {"data": [{"media_type": "album", "type": "album"}]},
    },
    {
        "id": f"{PAGE_ID}_900000000000001",
        "message": "Aperti anche la domenica",
        "created_time": "2026-03-15T16:00:00+0000",
        "permalink_url": "https://www.facebook.com/fornorossi/posts/900000000000001",
        "status_type": "mobile_status_update",
        "shares": {"count": 0},
        "reactions": {"data": [], "summary": {"total_count": 12}},
        "comments": {"data": [], "summary": {"total_count": 0}},
    },
]
FB_COMMENTS = {
    f"{PAGE_ID}_900000000000003": [
        {
            "id": f"{PAGE_ID}_900000000000003_1",
            "created_time": "2026-03-27T18:00:00+0000",
            "from": {"id": "5550000000001", "name": "Giulia Verdi"},
            "message": "Buonissima!",
        }
    ]
}

APP_USAGE = '{"call_count":28,"total_time":25,"total_cputime":25}'


def responses(base: str = BASE, version: str = V) -> dict[str, Any]:
    """Every request a full sync of the Instagram account and the Page makes -> its answer."""
    root = f"{base}/{version}"
    media_url = f"{root}/{IG_ID}/media?fields={IG_MEDIA_FIELDS}&limit=50"
    posts_url = f"{root}/{PAGE_ID}/posts?fields={FB_POST_FIELDS}&limit=50"
    usage = {"X-App-Usage": APP_USAGE}
    table: dict[str, Any] = {
        f"GET {root}/{IG_ID}?fields={IG_PROFILE_FIELDS}": {"json": IG_PROFILE, "headers": usage},
        f"GET {media_url}": {"json": paged(MEDIA[:2], "QVFIUmFmdGVyMg", media_url)},
        f"GET {media_url}&after=QVFIUmFmdGVyMg": {"json": paged(MEDIA[2:], None, media_url)},
        f"GET {root}/{IG_ID}/stories?fields={IG_MEDIA_FIELDS}&limit=100": {
            "json": {"data": [STORY]}
        },
        f"GET {root}/{STORY['id']}/insights?metric={STORY_METRICS}": {
            "status": 400,
            "json": error(10, "(#10) Not enough viewers for the media to show insights"),
        },
        f"GET {root}/{PAGE_ID}?fields={FB_PAGE_FIELDS}": {"json": FB_PAGE},
        f"GET {posts_url}": {"json": paged(FB_POSTS, None, posts_url)},
        "GET "
        + f"{root}/me/accounts?fields=id,name,username,instagram_business_account"
        + "{id,username}&limit=100": {
            "json": {
                "data": [
                    {
                        "id": PAGE_ID,
                        "name": "Forno Rossi",
                        "username": PAGE_USER,
                        "instagram_business_account": {"id": IG_ID, "username": IG_USER},
                    }
                ],
                "paging": {"cursors": {"before": "MAZDZD", "after": "MAZDZD"}},
            }
        },
    }
    reach = {"views": 5100, "reach": 3900, "saved": 41, "shares": 17}
    for i, media in enumerate(MEDIA):
        values = {k: v // (i + 1) for k, v in reach.items()}
        table[f"GET {root}/{media['id']}/insights?metric={IG_METRICS}"] = {
            "json": insights(media["id"], values)
        }
    for mid, comments in IG_COMMENTS.items():
        table[f"GET {root}/{mid}/comments?fields=id,timestamp,username&limit=100"] = {
            "json": {"data": comments}
        }
    for i, post in enumerate(FB_POSTS):
        values = {
            "post_media_view": 2000 // (i + 1),
            "post_total_media_view_unique": 1500 // (i + 1),
        }
        if i == 0:
            values["post_clicks"] = 77
        table[f"GET {root}/{post['id']}/insights?metric={FB_METRICS}"] = {
            "json": insights(post["id"], values)
        }
    for pid, comments in FB_COMMENTS.items():
        table[f"GET {root}/{pid}/comments?fields=id,created_time,from{{id,name}}&limit=100"] = {
            "json": {"data": comments}
        }
    return table
