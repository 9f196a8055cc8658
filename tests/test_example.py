"""docs/example/ (the README's picture of the output) is what the bot renders today."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.example import EXAMPLE, ROOT, build


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_docs_example_is_current(tmp_path: Path) -> None:
    """Re-rendering the example from the recorded papers gives the committed files."""
    shutil.copy(EXAMPLE / "config.yml", tmp_path / "config.yml")
    build(tmp_path)
    assert _files(tmp_path) == _files(EXAMPLE), "docs/example is stale: run 'make example'"


def test_the_readme_shows_entries_of_the_example_verbatim() -> None:
    """The entries quoted in the README are exactly those of the rendered example."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excerpt = readme.split("<!-- example:start", 1)[1].split("<!-- example:end -->", 1)[0]
    entries = excerpt[excerpt.index("1. **[") : excerpt.rindex("</details>") + len("</details>")]
    day = EXAMPLE / "lists" / "software-testing" / "2026" / "2026-11-20.md"
    assert entries in day.read_text(encoding="utf-8")
    assert entries.count("<details>") == 2


def test_the_readme_shows_the_top_papers_of_the_example_week_verbatim() -> None:
    """The weekly excerpt in the README is the example digest's top papers, links made to work
    from the repository root."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excerpt = readme.split("<!-- weekly:start", 1)[1].split("<!-- weekly:end -->", 1)[0]
    top = excerpt[excerpt.index("1. [") :].rstrip("\n")
    folder = "docs/example/lists/software-testing/"
    digest = EXAMPLE / "lists" / "software-testing" / "weekly" / "2026-W47.md"
    text = digest.read_text(encoding="utf-8")
    assert top.replace(f"]({folder}", "](../") in text
    assert top.count("\n") == 9  # the ten top papers
    summary = text.splitlines()[2].replace("](../", f"]({folder}")
    assert f"\n{summary}\n" in excerpt
