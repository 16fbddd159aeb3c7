"""Declarative KPIs: the expression grammar, custom KPIs from smm.toml, rejected input."""

from __future__ import annotations

import pytest
from smm_kpis.custom import custom_kpis
from smm_kpis.declarative import DeclarativeKPI, build_definition
from smm_kpis.expr import ExpressionError, compile_expression

from smmcore.config import WorkspaceConfig
from smmcore.errors import ConfigError


def config(**kpis: dict) -> WorkspaceConfig:
    return WorkspaceConfig.model_validate(
        {"client": {"name": "Forno", "timezone": "Europe/Rome"}, "kpis": kpis}
    )


def test_expression_compiles_to_null_safe_sql() -> None:
    compiled = compile_expression("(likes + replies) / followers * 100")
    assert compiled.names == {"likes", "replies", "followers"}
    assert "NULLIF" in compiled.sql  # division by zero is unknown, not infinity
    assert compile_expression("-likes").sql == "(-CAST(likes AS DOUBLE))"
    # "--" is two minus signs, never an SQL comment: the SQL is rebuilt from tokens
    assert "--" not in compile_expression("likes --1").sql


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("likes); DROP TABLE posts; --", "unexpected character ';' at position 7"),
        ("likes' OR 1=1", 'unexpected character "\'"'),
        ("sleep(1)", "unknown name 'sleep'"),
        ("likes -- comment", "unknown name 'comment'"),
        ("likes /* x */", "unknown name 'x'"),
        ("(likes + 1", "missing ')'"),
        ("likes +", "ends too early"),
        ("likes likes", "unexpected 'likes' at position 7"),
        ("", "empty expression"),
        ("1e9", "unknown name 'e9'"),
        ("posts.likes", "unexpected character '.'"),
        ("likes" + " + likes" * 60, "longer than 300"),
    ],
)
def test_expression_rejects_anything_outside_the_grammar(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compile_expression(text)


def test_definition_checks_aggregation_and_denominator() -> None:
    with pytest.raises(ExpressionError, match="needs a denominator"):
        build_definition("likes", None, "ratio_of_sums")
    with pytest.raises(ExpressionError, match="only used with ratio_of_sums"):
        build_definition("likes", "posts", "sum")
    with pytest.raises(ExpressionError, match="denominator: unknown name 'x'"):
        build_definition("likes", "x", "mean_of_ratios")


def test_custom_kpi_from_config(ctx, kf) -> None:
    cfg = config(
        reply_share={
            "label": "Replies among likes and replies",
            "numerator": "replies",
            "denominator": "likes + replies",
            "aggregation": "ratio_of_sums",
            "scale": 100,
            "unit": "%",
        },
        saves_total={"label": "Saves", "numerator": "saves", "aggregation": "sum"},
    )
    pairs = custom_kpis(cfg)
    assert [spec.name for spec, _ in pairs] == ["reply_share", "saves_total"]
    spec, kpi = pairs[0]
    assert isinstance(kpi, DeclarativeKPI)
    assert spec.label == "Replies among likes and replies" and spec.unit == "%"
    assert spec.formula.startswith("Σ (replies) / Σ (likes + replies) x 100")
    assert spec.aggregation.startswith("ratio of sums")
    assert spec.problems() == []
    v = kf.by_scope(kpi.compute(ctx))
    # instagram: replies 3 + 5 + 0 = 8; likes + replies (50+3) + (20+5) + (10+0) = 88
    assert v[kf.IG].value == pytest.approx(8 / 88 * 100)
    # January: j1 6 / (30 + 6)
    assert v[kf.IG].previous == pytest.approx(6 / 36 * 100)
    saves = kf.by_scope(pairs[1][1].compute(ctx))
    assert saves[kf.IG].value == 8  # i1 7 + i2 1 (i5 unknown)
    assert saves[kf.MS].value is None  # posts, but saves never known
    assert saves[kf.MS].previous == 0  # no posts in January


def test_malicious_custom_kpi_is_rejected_and_nothing_runs(con) -> None:
    cfg = config(
        evil={"label": "Evil", "numerator": "likes); DROP TABLE posts; --", "denominator": "posts"},
        worse={"label": "Worse", "numerator": "likes", "denominator": "read_csv('/etc/passwd')"},
    )
    with pytest.raises(ConfigError) as info:
        custom_kpis(cfg)
    problems = info.value.problems
    assert problems[0].startswith("kpis.evil: numerator: unexpected character ';'")
    assert problems[1].startswith("kpis.worse: denominator: unknown name 'read_csv'")
    assert "only column names" in info.value.format_message()
    assert con.execute("SELECT count(*) FROM posts").fetchone()[0] == 10


def test_custom_kpi_cannot_shadow_a_builtin() -> None:
    cfg = config(posts_per_week={"label": "Mine", "numerator": "posts", "aggregation": "sum"})
    with pytest.raises(ConfigError) as info:
        custom_kpis(cfg)
    assert "built-in KPI" in info.value.problems[0]


def test_no_custom_kpis() -> None:
    assert custom_kpis(config()) == []
