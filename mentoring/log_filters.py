"""A logging filter that keeps secrets and e-mail addresses out of the application logs.

Application logs go to the console and from there to whatever collects them, with fewer guards than
the database. Log calls of the project name rows by primary key only; this filter is the net for
what other code writes: Django's «Not Found: /accounts/password/reset/<uid>/<token>/», a query
string with a password, a cookie header in an error, an e-mail address in a mail error.
The audit trail (schools/audit.py) is where who did what is kept, behind the page's access rules.
"""

from __future__ import annotations

import logging
import re

MASK = "***"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # key=value, key: value, "key": "value" for anything that names a secret
    (
        re.compile(
            r"(?i)\b([\w-]*(?:password|passwd|pwd|token|secret|api[_-]?key|sessionid|session_key|"
            r"csrftoken|csrfmiddlewaretoken|authorization|cookie)[\w-]*)"
            r"(\"?'?\s*[:=]\s*(?:Bearer\s+|Basic\s+)?[\"']?)([^\s&\"',;}]+)"
        ),
        r"\1\2" + MASK,
    ),
    # the password-reset link: /accounts/password/reset/<uidb64>/<token>/
    (re.compile(r"(/reset/)[^/\s]+/[^/\s]+(/|\b)"), r"\1" + MASK + "/" + MASK + r"\2"),
    # e-mail addresses are personal data
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), MASK + "@" + MASK),
]


def scrub(text: str) -> str:
    """The text with secrets and e-mail addresses replaced by ***."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class ScrubSecretsFilter(logging.Filter):
    """Rewrites each record's message (arguments merged in) through ``scrub``; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave the record to the handler's own error path
            return True
        cleaned = scrub(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, ()
        return True
