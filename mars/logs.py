"""Keeping secrets out of the logs: whoever reads a server's log must not be able to sign in."""

from __future__ import annotations

import logging
import re

# A password-reset link's account id and token (accounts/urls.py: reset/<uidb64>/<token>/), in
# a request line, a "Not Found" warning or anything else that writes a path.
RESET_LINK = re.compile(r"(/reset/)[^/\s\"']+/[^/\s\"']+/")


class RedactSecrets(logging.Filter):
    """Rewrites a record's message with password-reset links cut out, before a handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = RESET_LINK.sub(r"\1[redacted]/", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
