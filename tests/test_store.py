"""The store: day files round-trip exactly, broken files are named, writes are atomic."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import layout
from bot.errors import StoreError
from bot.models import DayList, Entry, Hit, Paper, Rules, RunState, Topic
from bot.store import Change, Store, apply, day_json, parse_day, pending, state_json

PAPER = Paper(
    id="hep-ex/0406020",
    version=1,
    title="Measurement of the $t\\bar{t}$ cross section",
    authors=("Ünal Ö", "D0 Collaboration"),
    abstract="We measure *things* <b>here</b>.",
    primary_category="hep-ex",
    categories=("hep-ex", "hep-ph"),
    published=datetime(2004, 6, 10, 12, 0, tzinfo=UTC),
    updated=datetime(2004, 6, 11, 8, 30, tzinfo=UTC),
    comment=None,
    journal_ref="Phys. Rev. D 71 (2005)",
    doi="10.1103/PhysRevD.71.072004",
)
DAY = DayList(
    slug="hep",
    name="HEP",
    date=date(2026, 11, 20),
    rules=Rules(keywords=("cross section", ("top", "quark*")), categories=("hep-ex",)),
    entries=(Entry(PAPER, (Hit("cross section", ("title", "abstract")),), 101),),
)


def test_a_day_file_round_trips_to_the_same_value_and_bytes(tmp_path: Path) -> None:
    """Writing a day and reading it back gives the same DayList and the same text."""
    text = day_json(DAY)
    back = parse_day(text, tmp_path / "x.json")
    assert back == DAY
    assert day_json(back) == text


TEXT = st.text(max_size=8)
WHERE = st.sampled_from([("title",), ("abstract",), ("title", "abstract"), ("authors",)])


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    """A paper with any text, any number of authors and categories, fields set or not."""
    paper = Paper(
        id=draw(TEXT),
        version=draw(st.integers(1, 99)),
        title=draw(TEXT),
        authors=tuple(draw(st.lists(TEXT, max_size=3))),
        abstract=draw(TEXT),
        primary_category=draw(TEXT),
        categories=tuple(draw(st.lists(TEXT, max_size=2))),
        published=PAPER.published,
        updated=PAPER.updated,
        comment=draw(st.none() | TEXT),
        journal_ref=draw(st.none() | TEXT),
        doi=draw(st.none() | TEXT),
    )
    hits = tuple(Hit(draw(TEXT), draw(WHERE)) for _ in range(draw(st.integers(0, 2))))
    return Entry(paper, hits, draw(st.integers(-5, 5000)), draw(st.none() | TEXT))


@settings(max_examples=200, deadline=None)
@given(st.lists(entries(), max_size=3))
def test_a_day_file_is_what_json_dumps_writes_with_an_indent_of_two(
    papers: list[Entry],
) -> None:
    """Whatever the papers hold (quotes, controls, empty lists, nulls), the text is exactly
    `json.dumps(…, ensure_ascii=False, indent=2)` of its own value, and a final newline."""
    text = day_json(DayList("hep", "HEP", date(2026, 11, 20), DAY.rules, tuple(papers)))
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"
    assert len(json.loads(text)["papers"]) == len(papers)


def test_a_day_file_has_the_documented_shape() -> None:
    """The JSON carries the list, date, rules and per paper the documented fields."""
    data = json.loads(day_json(DAY))
    assert list(data) == ["list", "name", "date", "rules", "papers"]
    paper = data["papers"][0]
    assert list(paper) == [
        "id", "version", "title", "authors", "abstract", "primary_category", "categories",
        "published", "updated", "comment", "journal_ref", "doi", "links", "matched",
        "score", "topic",
    ]  # fmt: skip
    assert paper["id"] == "hep-ex/0406020"
    assert paper["published"] == "2004-06-10T12:00:00Z"
    assert paper["links"] == {
        "abs": "https://arxiv.org/abs/hep-ex/0406020",
        "pdf": "https://arxiv.org/pdf/hep-ex/0406020",
        "doi": "https://doi.org/10.1103/PhysRevD.71.072004",
    }
    assert paper["matched"] == [{"keyword": "cross section", "where": ["title", "abstract"]}]
    assert data["rules"]["keywords"] == ["cross section", ["top", "quark*"]]


TOPICAL = DayList(
    slug="hep",
    name="HEP",
    date=date(2026, 11, 20),
    rules=Rules(
        keywords=("cross section",),
        topics=(Topic("Top quarks", (("top", "quark*"), "ttbar")), Topic("Other things", ("x",))),
        sort="newest",
    ),
    entries=(Entry(PAPER, (Hit("cross section", ("title", "abstract")),), 3_001, "Top quarks"),),
)


def test_topics_sort_score_and_topic_round_trip(tmp_path: Path) -> None:
    """The topics in order, the sort, and each paper's score and topic are kept and read back."""
    text = day_json(TOPICAL)
    data = json.loads(text)
    assert data["rules"]["topics"] == [
        {"name": "Top quarks", "keywords": [["top", "quark*"], "ttbar"]},
        {"name": "Other things", "keywords": ["x"]},
    ]
    assert data["rules"]["sort"] == "newest"
    assert (data["papers"][0]["score"], data["papers"][0]["topic"]) == (3_001, "Top quarks")
    assert parse_day(text, tmp_path / "d.json") == TOPICAL
    flat = json.loads(day_json(DAY))
    assert (flat["rules"]["topics"], flat["rules"]["sort"]) == ([], "relevance")
    assert flat["papers"][0]["topic"] is None


def test_a_day_file_from_before_topics_still_loads(tmp_path: Path) -> None:
    """Without topics, sort, score or topic in the file, the day loads flat, by relevance."""
    data = json.loads(day_json(DAY))
    del data["rules"]["topics"], data["rules"]["sort"]
    del data["papers"][0]["score"], data["papers"][0]["topic"]
    day = parse_day(json.dumps(data), tmp_path / "d.json")
    assert (day.rules.topics, day.rules.sort) == ((), "relevance")
    assert (day.entries[0].score, day.entries[0].topic) == (0, None)
    assert day.rules.keywords == DAY.rules.keywords


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"sort": "oldest"}, "'sort' is 'oldest', not 'relevance' or 'newest'"),
        ({"topics": "Top quarks"}, "'topics' is not a list"),
        ({"topics": ["Top quarks"]}, "a topic is not an object"),
        ({"topics": [{"name": "T", "keywords": [1]}]}, "'keywords' holds 1, not a keyword"),
    ],
)
def test_broken_topics_or_sort_are_reported(
    tmp_path: Path, change: dict[str, object], problem: str
) -> None:
    """A sort or topics of the wrong shape is a StoreError naming what is wrong."""
    data = json.loads(day_json(TOPICAL))
    data["rules"].update(change)
    with pytest.raises(StoreError) as caught:
        parse_day(json.dumps(data), tmp_path / "d.json")
    assert caught.value.message == f"{tmp_path / 'd.json'}: {problem}"


def test_a_broken_day_file_is_reported_with_its_path_and_a_fix(tmp_path: Path) -> None:
    """Invalid JSON becomes a StoreError that names the file and says how to repair it."""
    with pytest.raises(StoreError) as caught:
        parse_day('{"list": ', tmp_path / "2026-11-20.json")
    assert caught.value.message == (
        f"{tmp_path / '2026-11-20.json'}: not valid JSON (line 1: Expecting value)"
    )
    assert caught.value.fix is not None and "git checkout" in caught.value.fix


def test_a_day_file_with_a_wrong_field_type_is_reported(tmp_path: Path) -> None:
    """A paper whose title is not text is named in the error."""
    data = json.loads(day_json(DAY))
    data["papers"][0]["title"] = 3
    with pytest.raises(StoreError, match="'title' is not text"):
        parse_day(json.dumps(data), tmp_path / "d.json")


def test_days_lists_every_dated_file_and_ignores_others(tmp_path: Path) -> None:
    """Only YYYY/YYYY-MM-DD.json files count as days, oldest first."""
    store = Store(tmp_path)
    for name in ["2026/2026-11-20.json", "2025/2025-12-31.json", "2026/ids.txt", "2026/x.json"]:
        path = tmp_path / "lists" / "hep" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
    (tmp_path / "lists" / "hep" / "misc").mkdir()
    assert store.days("hep") == [date(2025, 12, 31), date(2026, 11, 20)]
    assert store.days("absent") == []


def test_listed_ids_skip_the_excepted_date(tmp_path: Path) -> None:
    """De-duplication sees every other day's ids, not the day being rebuilt."""
    store = Store(tmp_path)
    apply(store, [Change(layout.day_json("hep", DAY.date), day_json(DAY))])
    assert store.listed_ids("hep") == {"hep-ex/0406020"}
    assert store.listed_ids("hep", except_date=DAY.date) == frozenset()


def test_state_round_trips(tmp_path: Path) -> None:
    """The run state file reads back as written."""
    store = Store(tmp_path)
    state = RunState(date(2026, 11, 20), datetime(2026, 11, 13, 5, 0, tzinfo=UTC))
    assert store.read_state() is None
    apply(store, [Change(layout.STATE, state_json(state))])
    assert store.read_state() == state


def test_pending_drops_identical_files_and_absent_removals(tmp_path: Path) -> None:
    """Only changes that alter the folder remain, in their order."""
    store = Store(tmp_path)
    (tmp_path / "a.md").write_text("same")
    changes = [
        Change(PurePosixPath("a.md"), "same"),
        Change(PurePosixPath("b.md"), "new"),
        Change(PurePosixPath("c.md"), None),
        Change(PurePosixPath("a.md"), "other"),
    ]
    assert pending(store, changes) == [changes[1], changes[3]]


def test_apply_replaces_files_atomically_and_leaves_no_temp_files(tmp_path: Path) -> None:
    """After apply, targets hold the new text and no temp file remains beside them."""
    store = Store(tmp_path)
    apply(store, [Change(PurePosixPath("x/y.md"), "one"), Change(PurePosixPath("x/y.md"), "two")])
    assert (tmp_path / "x" / "y.md").read_text() == "two"
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["y.md"]


def test_apply_names_the_file_it_cannot_write(tmp_path: Path) -> None:
    """A write that fails (a folder in the way) is a StoreError naming the target."""
    store = Store(tmp_path)
    (tmp_path / "x.md").mkdir()
    with pytest.raises(StoreError, match=r"cannot write .*x\.md"):
        apply(store, [Change(PurePosixPath("x.md"), "text")])
