"""Redaction of credentials in URLs and text: one place, imported by the HTTP layer, the
configuration (channel URLs) and the sync pipeline (every line and error it shows or stores).

Cheap to import (standard library only).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "REDACTED"

SECRET_PARAM_RE = re.compile(
    r"^(key|api_?key|apikey|access_?token|token|auth|authorization|password|passwd|pass|pwd|"
    r"secret|client_secret|refresh_token|id_token|session|sessionid|sid|sig|signature|code|"
    r"bearer|jwt|credentials?|x-amz-signature|x-amz-credential|x-goog-signature|"
    r".*_token|.*_secret|.*_key|.*password|.*_pwd|.*_sig)$",
    re.IGNORECASE,
)
"""Query parameter names whose values are credentials."""

_URL_IN_TEXT = re.compile(r"""[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'"<>()\[\]{}|\\^`]+""")


def redact_url(url: Any) -> str:
    """``url`` with secret query values and any password replaced by ``REDACTED``.

    Secret parameters are ``key``, ``api_key``, ``access_token``, ``token``, ``password``,
    ``pwd``, ``secret``, ``signature``, ``bearer`` and any name ending in ``_token``,
    ``_key``, ``_secret`` or ``password``; ``user:password@`` keeps only the user.
    """
    text = str(url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return REDACTED
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{REDACTED}@{hostport}" if ":" in userinfo else f"{user}@{hostport}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(SECRET_PARAM_RE.match(k) for k, _ in pairs):
            query = urlencode(
                [(k, REDACTED if SECRET_PARAM_RE.match(k) else v) for k, v in pairs],
                safe=":/@,",
            )
    fragment = parts.fragment
    if fragment and "=" in fragment:  # OAuth implicit flow: #access_token=...
        pairs = parse_qsl(fragment, keep_blank_values=True)
        if any(SECRET_PARAM_RE.match(k) for k, _ in pairs):
            fragment = urlencode(
                [(k, REDACTED if SECRET_PARAM_RE.match(k) else v) for k, v in pairs], safe=":/@,"
            )
    if (netloc, query, fragment) == (parts.netloc, parts.query, parts.fragment):
        return text  # nothing secret: the text exactly as given (ids stay stable)
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def redact_text(text: str) -> str:
    """``text`` with every URL in it passed through :func:`redact_url`."""
    if "://" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        url = match.group(0)
        tail = ""
        while url and url[-1] in ".,;:!?":  # sentence punctuation after a URL
            tail, url = url[-1] + tail, url[:-1]
        return redact_url(url) + tail

    return _URL_IN_TEXT.sub(one, text)


def has_secret(url: str) -> bool:
    """Whether ``url`` carries a credential (userinfo password or a secret parameter)."""
    return redact_url(url) != url
