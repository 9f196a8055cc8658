"""The bot's exceptions: each carries what went wrong and how to fix it.

They are raised deep inside and turned into one message and one exit status, once, at the
edge (`bot.cli`). A user's mistake never shows a traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class BotError(Exception):
    """Base of every error the bot reports to a person."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return self.message if not self.fix else f"{self.message}\n  fix: {self.fix}"


class UsageError(BotError):
    """A bad command-line argument (exit 2)."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """A bad config file: names the file, the key path and the line (exit 2)."""

    def __init__(
        self,
        message: str,
        *,
        file: str,
        key: str = "",
        line: int | None = None,
        fix: str | None = None,
    ) -> None:
        where = file if line is None else f"{file}:{line}"
        text = f"{where}: {key}: {message}" if key else f"{where}: {message}"
        super().__init__(text, fix)
        self.file = file
        self.key = key
        self.line = line
        self.reason = message


class FetchError(BotError):
    """arXiv could not be read after every retry, or kept answering garbage (exit 1)."""


class QueryError(FetchError):
    """arXiv rejected the query itself (HTTP 400): retrying cannot help (exit 1)."""


class StoreError(BotError):
    """A stored list file is unreadable or not what the bot wrote (exit 1)."""


class PublishError(BotError):
    """Publishing the run's files was refused (exit 1)."""
