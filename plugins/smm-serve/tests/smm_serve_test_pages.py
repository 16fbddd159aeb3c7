"""A test plugin adding two dashboard pages: one returning markup built from escaped network
text, one returning plain text (which the dashboard escapes), and one that fails."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from smmcore import hookimpl
from smmcore.contracts import DashboardContext
from smmcore.registry import DashboardPageSpec


def posts_page(page: DashboardContext) -> Markup:
    """A list of the top posts' texts, escaped, and a count from the read-only store."""
    with page.open_store() as store:
        (count,) = store.con.execute("SELECT count(*) FROM posts").fetchone()
    items = Markup("").join(
        Markup("<li>{}</li>").format(p.text or "") for p in page.report.top_posts
    )
    title = "Posts in the store" if page.language == "en" else "Post nell'archivio"
    link = page.url_for("posts")
    return Markup(
        '<p id="store-posts">{}: {}</p><ul id="texts">{}</ul><a href="{}">top</a>'
    ).format(title, count, items, link)


def text_page(page: DashboardContext) -> str:
    return "<b>not bold</b> " + escape(page.params.get("q", ""))


def broken_page(page: DashboardContext) -> str:
    raise RuntimeError("this page is broken on purpose")


@hookimpl
def smm_register_dashboard_pages(register: Callable[[DashboardPageSpec], None]) -> None:
    register(
        DashboardPageSpec(
            name="store-posts",
            title="Store",
            description="Posts in the store and the top posts' texts.",
            impl=f"{__name__}:posts_page",
        )
    )
    register(
        DashboardPageSpec(
            name="plain", title="Plain", description="Plain text.", impl=f"{__name__}:text_page"
        )
    )
    register(
        DashboardPageSpec(
            name="broken", title="Broken", description="Fails.", impl=f"{__name__}:broken_page"
        )
    )
