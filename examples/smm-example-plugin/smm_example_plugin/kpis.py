"""The KPIs of smm-example-plugin, computed with SQL inside the workspace store."""

from __future__ import annotations

from smmcore.contracts import KPI, KPIContext
from smmcore.kpitools import ratio_by_scope
from smmcore.models import KPIValue

# One row per workspace channel: (network, account, owner, is_client, numerator, denominator)
# over the own posts (reposts excluded) created in [$start, $end), with the latest metric
# snapshot of each post. Posts whose saves or views are unknown do not count.
SAVES_SQL = """
SELECT c.network, c.account, c.owner, c.is_client,
       sum(m.saves) AS numerator,
       sum(m.views) AS denominator
FROM workspace_channels AS c
JOIN posts AS p ON p.network = c.network AND p.account = c.account
JOIN post_metrics_latest AS m
  ON m.network = p.network AND m.account = p.account AND m.post_id = p.post_id
WHERE p.kind <> 'repost' AND p.created_at >= $start AND p.created_at < $end
  AND m.saves IS NOT NULL AND m.views IS NOT NULL
GROUP BY c.network, c.account, c.owner, c.is_client
"""


class SavesRate(KPI):
    """Saves per 100 views: 100 x sum(saves) / sum(views) over own posts with both known."""

    name = "saves_rate"

    def compute(self, ctx: KPIContext) -> list[KPIValue]:
        return ratio_by_scope(ctx, self.name, SAVES_SQL, scale=100.0)
