"""compare: a past pull request decided again under two policies, the change named, the
totals and exit code; the inputs from a folder or from history records."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.core.model import ChangedPath
from gatekeeper.errors import GatekeeperError
from gatekeeper.history.records import ChangedFile
from gatekeeper.replay import compare
from gatekeeper.replay.compare import Compared, ReplayItem, Side
from tests.support.bodies import complete_body
from tests.support.fixtures import load_policy_text
from tests.support.records import files, record

LOOSE = load_policy_text("version: 1\nclasses:\n  RED:\n    paths: [nothing/]\n")
STRICT = load_policy_text("version: 1\nclasses:\n  RED:\n    paths: [auth/]\n")


def _item(key: str, body: str, *paths: str) -> ReplayItem:
    return ReplayItem(key=key, title=key, url=None, author=None, body=body,
                      changes=tuple(ChangedPath(p) for p in paths))


def test_each_change_is_named() -> None:
    items = [_item("green", complete_body("GREEN"), "src/auth/a.py"),
             _item("same", complete_body("GREEN"), "README.md"),
             _item("red", complete_body("RED"), "src/auth/a.py")]
    results = compare.compare(items, LOOSE, STRICT)
    assert [r.change for r in results] == ["newly blocked", "same", "same"]
    first = results[0]
    assert first.baseline == Side("pass", "GREEN", ())
    assert (first.candidate.decision, first.candidate.computed_class) == ("block", "RED")
    assert first.codes_added == first.candidate.codes and first.codes_removed == ()
    back = compare.compare(items[:1], STRICT, LOOSE)[0]
    assert back.change == "newly passed" and back.codes_removed == first.candidate.codes


def _compared(change: str, before: str = "pass", after: str = "pass",
              codes: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())) -> Compared:
    return Compared(_item(change, ""), Side(before, "GREEN", codes[0]),
                    Side(after, "RED", codes[1]), change)  # type: ignore[arg-type]


def test_codes_added_and_removed_keep_their_order() -> None:
    moved = _compared("reasons changed", "block", "block",
                      (("GK101", "GK202"), ("GK202", "GK301", "GK105")))
    assert moved.codes_added == ("GK301", "GK105") and moved.codes_removed == ("GK101",)


def test_totals_and_the_exit_code() -> None:
    results = [_compared("newly blocked", "pass", "block"), _compared("same", "block", "block"),
               _compared("newly passed", "block", "pass"), _compared("reasons changed"),
               _compared("same")]
    assert compare.totals(results) == {
        "pull_requests": 5, "baseline_blocked": 2, "candidate_blocked": 2,
        "newly_blocked": 1, "newly_passed": 1, "reasons_changed": 1, "unchanged": 2}
    assert compare.exit_code(results) == 1
    assert compare.exit_code(results[1:]) == 0 and compare.exit_code([]) == 0


def test_a_folder_gives_bodies_in_natural_order_with_their_file_lists(tmp_path: Path) -> None:
    for stem in ("10", "9", "a"):
        (tmp_path / f"{stem}.md").write_text(f"body {stem}\n", encoding="utf-8")
    (tmp_path / "9.files").write_text("R100\told.py\tnew.py\n", encoding="utf-8")
    (tmp_path / "10.files").write_text("x.py\n", encoding="utf-8")
    items = compare.items_from_folder(tmp_path)
    assert [(i.key, i.title, i.body) for i in items] == [
        ("9", "9.md", "body 9\n"), ("10", "10.md", "body 10\n"), ("a", "a.md", "body a\n")]
    assert items[0].changes == (ChangedPath("new.py", old_path="old.py"),)
    assert items[0].note is None
    assert items[2].changes == ()
    assert items[2].note == "no a.files: the class comes from the declared risk alone"


def test_a_folder_that_is_missing_or_has_no_bodies_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GatekeeperError) as missing:
        compare.items_from_folder(tmp_path / "nope")
    assert str(missing.value) == f"{tmp_path / 'nope'}: --from needs a folder of N.md and N.files"
    with pytest.raises(GatekeeperError, match=r"no \*\.md pull request bodies"):
        compare.items_from_folder(tmp_path)


def test_a_bad_file_list_names_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "1.md").write_text("b\n", encoding="utf-8")
    (tmp_path / "1.files").write_text("ok.py\nR100\tonly.py\n", encoding="utf-8")
    with pytest.raises(GatekeeperError) as caught:
        compare.items_from_folder(tmp_path)
    assert (caught.value.file, caught.value.line) == (str(tmp_path / "1.files"), 2)


def test_records_become_items_by_number_with_rest_author_names() -> None:
    bot = record(12, author="dependabot", author_is_bot=True, files=files("a"),
                 changed_files=3, files_complete=False, title="Bump", url="https://x/12")
    person = record(3, url="")
    items = compare.items_from_records([bot, person])
    assert [i.key for i in items] == ["#3", "#12"]
    assert (items[0].url, items[0].author, items[0].note) == (None, "a", None)
    assert (items[1].author, items[1].changes, items[1].note) == (
        "dependabot[bot]", (ChangedPath("a", may_be_folder=True),),
        "file list incomplete (1 of 3)")


@pytest.mark.parametrize(("author", "bot", "shown"), [
    ("dependabot", True, "dependabot[bot]"), ("renovate[bot]", True, "renovate[bot]"),
    ("alice", False, "alice"), (None, False, None),
])
def test_the_author_as_rest_names_it(author: str | None, bot: bool, shown: str | None) -> None:
    assert compare.record_author(record(author=author, author_is_bot=bot)) == shown


def test_a_replayed_record_counts_only_contract_blocks(default_policy) -> None:
    incomplete = record(body="no contract", files=files("src/auth/a.py"))
    outcome = compare.replay_record(incomplete, default_policy)
    assert outcome.red and outcome.blocked and outcome.codes
    assert list(outcome.codes) == sorted(outcome.codes) and outcome.note is None
    complete = record(body=complete_body("RED", change_origin="agent"),
                      files=files("src/auth/a.py"), changed_files=2, files_complete=False)
    done = compare.replay_record(complete, default_policy)
    assert done.red and not done.blocked
    assert done.note == "file list incomplete (1 of 2)"
    assert done.origin == "agent"


def test_a_replayed_submodule_bump_at_a_red_folder_is_red(default_policy) -> None:
    # GraphQL lists a submodule bump as one MODIFIED path without a trailing slash, and
    # gives no patch to tell it from a file: judged as the folder it may be, like live.
    bump = record(body=complete_body(), files=files("vendor/auth"))
    assert compare.replay_record(bump, default_policy).red
    added = record(body=complete_body(), files=(ChangedFile("vendor/auth", "ADDED"),))
    assert not compare.replay_record(added, default_policy).red


def test_the_declared_origin_is_normalised(default_policy) -> None:
    assert compare.declared_origin(complete_body(change_origin="AI assisted"),
                                   default_policy) == "ai-assisted"
    assert compare.declared_origin("nothing here", default_policy) is None
