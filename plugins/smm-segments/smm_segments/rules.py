"""Rule segments written in ``smm.toml``.

Grammar (every key optional; keys at one level combine with AND)::

    [segments.local_foodies]
    description = "Italian speakers in Bologna who talk about food"
    language = "it"                      # or a list: ["it", "en"]
    location = "bologna"                 # substring, case-insensitive; or a list (any)
    bio_any = ["cucina", "food"]         # the bio contains at least one
    bio_all = ["pane"]                   # the bio contains every one
    followers = { min = 100, max = 10000 }
    network = "instagram"                # or a list
    is_follower = true
    any = [ { followers = { min = 10000 } }, { bio_any = ["giornalista"] } ]
    all = [ ... ]
    not = { language = "en" }

An unknown count never matches a range: a member whose followers are unknown is not in
``followers = { min = 100 }``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from smm_segments.data import cell, client_audience, fetch_columns, lazy_members
from smm_segments.texts import text
from smmcore.contracts import AudienceContext, Segmenter
from smmcore.errors import SmmError
from smmcore.models import Segment, SegmentMember

StrOrList = str | list[str]


class FollowerRange(BaseModel):
    """An inclusive range of follower counts."""

    model_config = ConfigDict(extra="forbid")
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> FollowerRange:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class Condition(BaseModel):
    """One node of a rule: attribute tests and ``all``/``any``/``not`` combinations."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")
    network: StrOrList | None = None
    language: StrOrList | None = None
    location: StrOrList | None = None
    bio_any: list[str] | None = None
    bio_all: list[str] | None = None
    followers: FollowerRange | None = None
    is_follower: bool | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.model_fields_set - {"description"}:
            raise ValueError(
                "a rule needs at least one test: network, language, location, bio_any, "
                "bio_all, followers, is_follower, all, any or not"
            )
        return self


class SegmentRule(Condition):
    """A rule segment: a condition plus its description."""

    description: str = ""


class RuleSettings(BaseModel):
    """Settings of the rules segmenter (``[plugins.rules]``)."""

    model_config = ConfigDict(extra="forbid")
    case_sensitive: bool = Field(default=False, description="Match text case-sensitively.")


def _as_list(value: StrOrList) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def compile_condition(cond: Condition, params: list[Any]) -> str:
    """Turn a condition into a SQL boolean over the audience columns; values go to ``params``."""
    parts: list[str] = []

    def text_in(column: str, values: list[str]) -> str:
        params.extend(v.lower() for v in values)
        marks = ", ".join("?" for _ in values)
        return f"lower({column}) IN ({marks})"

    def contains(column: str, values: list[str], joiner: str) -> str:
        tests = []
        for value in values:
            params.append(value.lower())
            tests.append(f"contains(lower(coalesce({column}, '')), ?)")
        return "(" + f" {joiner} ".join(tests) + ")"

    if cond.network is not None:
        parts.append(text_in("network", _as_list(cond.network)))
    if cond.language is not None:
        parts.append(text_in("language", _as_list(cond.language)))
    if cond.location is not None:
        parts.append(contains("location", _as_list(cond.location), "OR"))
    if cond.bio_any:
        parts.append(contains("bio", cond.bio_any, "OR"))
    if cond.bio_all:
        parts.append(contains("bio", cond.bio_all, "AND"))
    if cond.followers is not None:
        if cond.followers.min is not None:
            params.append(cond.followers.min)
            parts.append("followers >= ?")
        if cond.followers.max is not None:
            params.append(cond.followers.max)
            parts.append("followers <= ?")
    if cond.is_follower is not None:
        params.append(cond.is_follower)
        parts.append("is_follower IS NOT DISTINCT FROM ?")
    if cond.all:
        parts.append("(" + " AND ".join(compile_condition(c, params) for c in cond.all) + ")")
    if cond.any:
        parts.append("(" + " OR ".join(compile_condition(c, params) for c in cond.any) + ")")
    if cond.not_ is not None:
        parts.append(f"NOT coalesce({compile_condition(cond.not_, params)}, FALSE)")
    return "(" + " AND ".join(parts) + ")"


def parse_rules(rules: dict[str, dict[str, Any]]) -> dict[str, SegmentRule]:
    """Validate every ``[segments.<name>]`` table; one error listing every problem."""
    parsed: dict[str, SegmentRule] = {}
    problems: list[str] = []
    for name, raw in rules.items():
        try:
            parsed[name] = SegmentRule.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"])
                key = f"segments.{name}" + (f".{where}" if where else "")
                problems.append(f"{key}: {err['msg']}")
    if problems:
        raise SmmError(
            "invalid rule segments in smm.toml:\n  - " + "\n  - ".join(problems),
            hint="see the rule grammar in the smm-segments README",
        )
    return parsed


def columns_of(cond: Condition) -> list[str]:
    """The profile columns a condition reads (``network`` is always there)."""
    found = [
        column
        for column, used in (
            ("language", cond.language is not None),
            ("location", cond.location is not None),
            ("bio", bool(cond.bio_any or cond.bio_all)),
            ("is_follower", cond.is_follower is not None),
        )
        if used
    ]
    children = [*(cond.all or []), *(cond.any or []), *([cond.not_] if cond.not_ else [])]
    for child in children:
        found.extend(c for c in columns_of(child) if c not in found)
    return found


def describe(rule: SegmentRule) -> str:
    """A compact text form of the rule, shown as the segment's method."""
    data = rule.model_dump(by_alias=True, exclude_none=True, exclude={"description"})
    return " AND ".join(f"{k}={v}" for k, v in data.items())


def _builder(cols: dict[str, Any], method: str) -> Callable[[int, int], SegmentMember]:
    def build(row: int, _rank: int) -> SegmentMember:
        followers = cell(cols["followers"], row)
        return SegmentMember.model_construct(
            network=cols["network"][row],
            member=cols["member"][row],
            scores={"followers": None if followers is None else float(followers)},
            reason=f"matches {method}",
        )

    return build


class RuleSegmenter(Segmenter):
    """Segments defined by rules in ``smm.toml`` over the client's audience."""

    def segment(self, ctx: AudienceContext) -> list[Segment]:
        """One segment per ``[segments.<name>]`` table, members sorted by followers."""
        segments = []
        for name, rule in parse_rules(dict(ctx.rules)).items():
            params: list[Any] = []
            where = compile_condition(rule, params)
            cols = fetch_columns(
                ctx.con,
                "SELECT network, member, followers "
                f"FROM ({client_audience('followers', *columns_of(rule))}) aud "
                f"WHERE coalesce({where}, FALSE) "
                "ORDER BY followers DESC NULLS LAST, network, member",
                params,
            )
            method = describe(rule)
            segments.append(
                Segment.model_construct(
                    name=f"rules:{name}",
                    segmenter=self.name or "rules",
                    description=rule.description
                    or text("rules.matching", ctx.language, method=method),
                    method=text("rules.method", ctx.language, method=method),
                    members=lazy_members(0, len(cols["member"]), _builder(cols, method)),
                )
            )
        return segments
