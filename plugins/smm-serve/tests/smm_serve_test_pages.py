"""A test plugin adding two dashboard pages: one returning markup built from escaped network
text, one returning plain text (which the dashboard escapes), and one that fails."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from smmcore import hookimpl
from smmcore.contracts import DashboardContext, ReportSectionBuilder, SectionContext
from smmcore.registry import DashboardPageSpec, ReportSectionSpec
from smmcore.report_model import ReportSection, SectionTable


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


class PostsPerChannel(ReportSectionBuilder):
    """A report section: the client's posts per channel in the period (a table), with a
    hostile title cell to check escaping."""

    def build(self, ctx: SectionContext) -> ReportSection:
        rows = ctx.con.execute(
            "SELECT network || ':' || account, count(*) FROM posts JOIN workspace_channels "
            "USING (network, account) WHERE is_client GROUP BY ALL ORDER BY 1"
        ).fetchall()
        return ReportSection(
            name=self.name,
            title="Posts <i>per</i> channel",
            text="All stored posts of each own channel.",
            table=SectionTable(columns=["channel", "posts"], rows=[list(r) for r in rows]),
        )


@hookimpl
def smm_register_report_sections(register: Callable[[ReportSectionSpec], None]) -> None:
    register(
        ReportSectionSpec(
            name="posts-per-channel",
            description="Posts per own channel.",
            impl=f"{__name__}:PostsPerChannel",
        )
    )
