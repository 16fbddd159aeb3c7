"""The expression language of declarative KPIs: a strict tokenizer and parser that emit SQL.

An expression combines per-post columns, numbers, ``+ - * /`` and parentheses, for example
``(likes + replies) / followers``. Nothing else is accepted: no functions, no quotes, no
comments, no other names. The parser rebuilds the SQL from the tokens it recognised, so no
user text ever reaches the database verbatim. Division by zero gives NULL (unknown), as does
any arithmetic with an unknown (NULL) column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COLUMNS: dict[str, str] = {
    "likes": "likes, favourites or reactions of the post",
    "reposts": "reposts, reblogs or shares of the post",
    "replies": "replies or comments on the post",
    "quotes": "quote posts of the post",
    "views": "views of the post",
    "impressions": "impressions of the post",
    "reach": "unique accounts reached by the post",
    "clicks": "link clicks on the post",
    "saves": "saves or bookmarks of the post",
    "followers": "followers of the account on the day of posting",
    "posts": "1 for every post (so a sum counts posts)",
    "engagements": "likes + reposts + replies + quotes (unknown counters as 0; unknown if all are)",
    "views_or_impressions": "views where known, else impressions",
}
"""The names an expression may use, with what each means (one value per own post)."""

MAX_LENGTH = 300
MAX_DEPTH = 20

_TOKEN_RE = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/()]))"
)


EXTRA_PREFIX = "extra_"
"""``extra_<metric>``: the latest value of an extra metric a source declares."""


def is_extra(name: str) -> bool:
    """Whether ``name`` names an extra metric (``extra_avg_watch_seconds``)."""
    return name.startswith(EXTRA_PREFIX) and bool(
        re.fullmatch(r"[a-z][a-z0-9_]*", name.removeprefix(EXTRA_PREFIX))
    )


class ExpressionError(ValueError):
    """An expression outside the grammar; the message says what and where."""


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "op", "end"
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, rejecting any character outside the grammar."""
    if not isinstance(text, str):
        raise ExpressionError("an expression must be a string")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters")
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            bad = text[pos:].lstrip()[0]
            where = len(text) - len(text[pos:].lstrip()) + 1
            raise ExpressionError(
                f"unexpected character {bad!r} at position {where}: only column names, "
                "numbers, + - * / and parentheses are allowed"
            )
        kind = match.lastgroup or ""
        value = match.group(kind)
        start = match.start(kind)
        if kind == "name" and value.lower() not in COLUMNS and not is_extra(value.lower()):
            raise ExpressionError(
                f"unknown name {value!r} at position {start + 1}; allowed: "
                + ", ".join(COLUMNS)
                + ", or extra_<metric> for a metric a source declares ('smm kpis metrics')"
            )
        tokens.append(Token(kind, value.lower() if kind == "name" else value, start + 1))
        pos = match.end()
    if not tokens:
        raise ExpressionError("empty expression")
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    """Recursive descent: expr := term (('+'|'-') term)*; term := factor (('*'|'/') factor)*;
    factor := NUMBER | NAME | '(' expr ')' | '-' factor."""

    def __init__(self, tokens: list[Token], column_sql: dict[str, str]) -> None:
        self.tokens = tokens
        self.i = 0
        self.column_sql = column_sql
        self.names: set[str] = set()

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expr(self, depth: int) -> str:
        if depth > MAX_DEPTH:
            raise ExpressionError(f"expression nested deeper than {MAX_DEPTH} levels")
        sql = self.term(depth)
        while self.peek().kind == "op" and self.peek().text in "+-":
            op = self.take().text
            sql = f"({sql} {op} {self.term(depth)})"
        return sql

    def term(self, depth: int) -> str:
        sql = self.factor(depth)
        while self.peek().kind == "op" and self.peek().text in "*/":
            op = self.take().text
            right = self.factor(depth)
            sql = f"({sql} * {right})" if op == "*" else f"({sql} / NULLIF({right}, 0))"
        return sql

    def factor(self, depth: int) -> str:
        token = self.take()
        if token.kind == "number":
            return f"CAST({float(token.text)!r} AS DOUBLE)"
        if token.kind == "name":
            self.names.add(token.text)
            if token.text not in self.column_sql and is_extra(token.text):
                return f"CAST({token.text} AS DOUBLE)"  # a validated identifier
            return self.column_sql[token.text]
        if token.kind == "op" and token.text == "(":
            inner = self.expr(depth + 1)
            closing = self.take()
            if closing.kind != "op" or closing.text != ")":
                raise ExpressionError(f"missing ')' at position {closing.pos}")
            return inner
        if token.kind == "op" and token.text == "-":
            return f"(-{self.factor(depth + 1)})"
        if token.kind == "end":
            raise ExpressionError("the expression ends too early")
        raise ExpressionError(f"unexpected {token.text!r} at position {token.pos}")


@dataclass(frozen=True)
class Compiled:
    """An expression turned into SQL over the per-post relation, and the names it uses."""

    source: str
    sql: str
    names: frozenset[str]


def compile_expression(text: str, column_sql: dict[str, str] | None = None) -> Compiled:
    """Validate ``text`` and return its SQL; raise :class:`ExpressionError` otherwise.

    :param column_sql: name -> SQL of that column (default: ``CAST(<name> AS DOUBLE)``).
    """
    mapping = column_sql or {name: f"CAST({name} AS DOUBLE)" for name in COLUMNS}
    parser = _Parser(tokenize(text), mapping)
    sql = parser.expr(0)
    rest = parser.peek()
    if rest.kind != "end":
        raise ExpressionError(f"unexpected {rest.text!r} at position {rest.pos}")
    return Compiled(source=text, sql=sql, names=frozenset(parser.names))
