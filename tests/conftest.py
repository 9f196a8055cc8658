"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.arxiv_server import ArxivServer


@pytest.fixture
def arxiv_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ArxivServer]:
    """A local arXiv API on 127.0.0.1; `ARXIV_API_URL` points at it for the test."""
    with ArxivServer() as server:
        monkeypatch.setenv("ARXIV_API_URL", server.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        yield server
