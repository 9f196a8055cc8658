"""The derived id index (`lists/<slug>/<YYYY>/ids.txt`): a view of the day files that a run
reads instead of parsing them, trusted only while it agrees with them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import bot.store
from bot import views
from bot.chart import trend
from bot.cli import main
from bot.config import load_config
from bot.index import (
    DayRecord,
    index_text,
    keyword_counts,
    keyword_hits_text,
    listed_ids,
    load_history,
    parse_index,
)
from bot.models import Entry, Hit, Paper
from bot.render import Renderer, RenderOptions
from bot.store import Store
from tests.arxiv_server import ArxivServer, FeedEntry
from tests.configs import LLM_LIST

INDEX = Path("lists/llm-papers/2026/ids.txt")


def _entry(number: int, day: int) -> FeedEntry:
    return FeedEntry(
        id=f"2611.{number:05d}",
        published=datetime(2026, 11, day, 9, number % 60, tzinfo=UTC),
        title=f"LLM paper {number}",
        summary="An abstract.",
    )


def _run(root: Path, day: str) -> str:
    result = CliRunner().invoke(main, ["run", "--config", str(root / "config.yml"), "--date", day])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def root(tmp_path: Path, arxiv_server: ArxivServer) -> Path:
    """Two daily runs: the 18th lists papers 1-2, the 19th paper 3."""
    (tmp_path / "config.yml").write_text(LLM_LIST, encoding="utf-8")
    arxiv_server.corpus = [_entry(1, 17), _entry(2, 17)]
    _run(tmp_path, "2026-11-18")
    arxiv_server.corpus += [_entry(3, 18)]
    _run(tmp_path, "2026-11-19")
    return tmp_path


OLD_FORMAT = (
    "# arxiv-bot id index: each day file of this folder, its size in bytes and its papers' ids.\n"
    "# Derived from the day files and rebuilt whenever they change; editing it changes nothing.\n"
)
"""The header of the index before it carried keyword counts (lines `<date>.json <bytes> <ids…>`)."""


def _paper(paper_id: str) -> Paper:
    when = datetime(2026, 11, 17, tzinfo=UTC)
    return Paper(paper_id, 1, "A title", ("A. Author",), "An abstract.", "cs.CL", ("cs.CL",),
                 when, when)  # fmt: skip


def test_the_index_text_round_trips_with_any_id_and_any_keyword() -> None:
    """Days oldest first, one line each: size, ids, then after `|` the keyword counts; an id
    with a space or a percent sign, a label with spaces, `=`, `|` or `%`, all survive."""
    odd = (("LLM", 2), ("a=b | 5%", 1), ("agent* + tool use", 1))
    records = {
        date(2026, 11, 19): DayRecord(120, ("2611.00003",), keyword_hits_text([("LLM", 1)])),
        date(2026, 11, 18): DayRecord(98, ("hep-ex/0406020", "odd id%"), keyword_hits_text(odd)),
        date(2026, 11, 20): DayRecord(40, ()),
    }
    text = index_text(records)
    lines = text.splitlines()
    assert all(line.startswith("#") for line in lines[:3])
    assert lines[3:] == [
        "2026-11-18.json 98 hep-ex/0406020 odd%20id%25 | LLM=2 a%3Db%20%7C%205%25=1 "
        "agent*%20+%20tool%20use=1",
        "2026-11-19.json 120 2611.00003 | LLM=1",
        "2026-11-20.json 40 |",
    ]
    assert parse_index(text) == records
    assert records[date(2026, 11, 18)].keywords == odd
    assert records[date(2026, 11, 20)].keywords == ()


def test_keyword_counts_count_each_paper_once_and_leave_followed_authors_out() -> None:
    """A keyword counts the papers it hit, once each however often it hit; an author is not one."""
    entries = [
        Entry(_paper("1"), (Hit("LLM", ("title",)), Hit("GPT", ("title", "abstract"))), 9),
        Entry(_paper("2"), (Hit("LLM", ("abstract",)), Hit("Y. LeCun", ("authors",))), 5),
    ]
    assert keyword_counts(entries) == (("GPT", 1), ("LLM", 2))


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-18.json twelve 2611.1 |\n",
        "2026-13-01.json 1 |\n",
        "notes.txt 4 a |\n",
        OLD_FORMAT + "2026-11-18.json 1656 2611.00002 2611.00001\n",
        OLD_FORMAT.replace("index:", "index v2:") + "2026-11-18.json 1656 2611.00002\n",
    ],
)
def test_an_index_the_bot_did_not_write_is_not_trusted(text: str) -> None:
    """A line that is not `<date>.json <bytes> <ids…> | <keyword counts>`, or an index in the
    older format without keyword counts, makes the whole index unusable."""
    assert parse_index(text) is None
    assert parse_index(text.replace("# arxiv-bot id index:", "# arxiv-bot id index v2:")) is None


def test_a_run_writes_the_index_after_the_day_file_and_it_matches_the_folder(root: Path) -> None:
    """Each day file is indexed with its byte size, ids and keyword counts; the run lists the
    index right after the day JSON it describes."""
    folder = root / "lists" / "llm-papers" / "2026"
    days = {day: json.loads((folder / f"{day}.json").read_text()) for day in ("2026-11-18",
            "2026-11-19")}  # fmt: skip
    assert parse_index((root / INDEX).read_text(encoding="utf-8")) == {
        date.fromisoformat(day): DayRecord(
            (folder / f"{day}.json").stat().st_size,
            tuple(p["id"] for p in data["papers"]),
            f"LLM={len(data['papers'])}",
        )
        for day, data in days.items()
    }


def test_dates_ids_and_archives_come_from_the_index_without_reading_a_day_file(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the index current, loading a list, de-duplicating against it, rebuilding its
    archive pages and counting its charts parse no day file; a day's full data is read only
    when asked for."""
    parsed: list[str] = []
    real = bot.store.parse_day

    def counting(text: str, path: Path) -> bot.store.DayList:
        parsed.append(path.name)
        return real(text, path)

    monkeypatch.setattr(bot.store, "parse_day", counting)
    history = load_history(Store(root), "llm-papers")
    assert list(history) == [date(2026, 11, 18), date(2026, 11, 19)]
    assert set(listed_ids(history, except_day=date(2026, 11, 20))) == {
        "2611.00001",
        "2611.00002",
        "2611.00003",
    }
    assert set(listed_ids(history, except_day=date(2026, 11, 19))) == {"2611.00001", "2611.00002"}
    config = load_config(root / "config.yml")
    pages = views.list_views(Renderer(RenderOptions()), config.lists[0], history)
    assert "2 days and 3 papers" in pages[0].text  # type: ignore[operator]
    numbers = trend("LLM Papers", history)
    assert numbers.keywords == (("LLM", 3),)
    assert parsed == []
    assert [e.paper.id for e in history[date(2026, 11, 19)].entries] == ["2611.00003"]
    assert parsed == ["2026-11-19.json"]
    assert numbers == trend("LLM Papers", {day: history[day] for day in history})


@pytest.mark.parametrize("damage", ["edited", "deleted", "missing", "garbled", "old format"])
def test_an_index_that_disagrees_with_the_day_files_is_rebuilt_from_them(
    root: Path, arxiv_server: ArxivServer, damage: str
) -> None:
    """A day file edited by hand (another size), a day file deleted, the index deleted or
    garbled or written by an older version of the bot (right sizes, no keyword counts): the
    next run goes by the day files and writes the index again."""
    folder = root / "lists" / "llm-papers" / "2026"
    day = folder / "2026-11-18.json"
    if damage == "edited":
        data = json.loads(day.read_text(encoding="utf-8"))
        data["papers"] = data["papers"][:1]  # paper 2611.00001 (newest first) is kept
        day.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    elif damage == "deleted":
        day.unlink()
        (folder / "2026-11-18.md").unlink()
    elif damage == "missing":
        (root / INDEX).unlink()
    elif damage == "old format":
        lines = (root / INDEX).read_text(encoding="utf-8").splitlines()[3:]
        old = "".join(line.split(" |")[0] + "\n" for line in lines)
        (root / INDEX).write_text(OLD_FORMAT + old, encoding="utf-8")
    else:
        (root / INDEX).write_text("2026-11-18.json 5 2611.00009\n", encoding="utf-8")
    stored = load_history(Store(root), "llm-papers")
    assert stored.stale == {2026}
    expected = {d.isoformat(): list(stored.ids(d)) for d in stored if d != date(2026, 11, 20)}
    _run(root, "2026-11-20")
    text = (root / INDEX).read_text(encoding="utf-8")
    records = parse_index(text)
    assert records is not None
    assert {d.isoformat(): list(r.ids) for d, r in records.items() if d.day != 20} == expected
    for d, record in records.items():
        assert record.size == (folder / f"{d.isoformat()}.json").stat().st_size
        assert record.keyword_hits == f"LLM={len(record.ids)}"
    # Nothing the day files hold is listed again; what they lost is listed anew.
    listed = [
        p["id"] for f in folder.glob("????-??-??.json") for p in json.loads(f.read_text())["papers"]
    ]
    assert len(listed) == len(set(listed))


def test_render_rewrites_a_stale_index_and_removes_an_empty_years(root: Path) -> None:
    """`render` repairs every index; a year folder left without day files loses its index."""
    (root / INDEX).write_text("garbage\n", encoding="utf-8")
    old = root / "lists" / "llm-papers" / "2025"
    old.mkdir()
    (old / "ids.txt").write_text("2025-01-02.json 10 2501.00001\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", "--config", str(root / "config.yml")])
    assert result.exit_code == 0, result.output
    assert parse_index((root / INDEX).read_text(encoding="utf-8")) is not None
    assert not (old / "ids.txt").exists()
    assert "lists/llm-papers/2026/ids.txt" in result.output
