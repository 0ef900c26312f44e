"""Files a rulebook is made of: regular files only, within a size, inside allowed folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eligibility.rulebook.source_files import (
    SourceFileError,
    SourceFileTooLarge,
    find_source,
    read_source_bytes,
)

SECRET = "TOP-SECRET first line of a file outside"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """rules/plan/ (a rulebook's folder), rules/national/ (an include folder), and a secret
    file beside rules/."""
    (tmp_path / "rules" / "plan" / "sub").mkdir(parents=True)
    (tmp_path / "rules" / "national").mkdir()
    (tmp_path / "rules" / "plan" / "local.yaml").write_text("id: local\n")
    (tmp_path / "rules" / "plan" / "sub" / "deeper.yaml").write_text("id: deeper\n")
    (tmp_path / "rules" / "national" / "national.yaml").write_text("id: national\n")
    (tmp_path / "secret.yaml").write_text(SECRET + "\n")
    return tmp_path / "rules"


def test_a_file_is_found_in_the_rulebook_folder_then_the_include_path(tree: Path) -> None:
    """GIVEN a name in the rulebook's folder, one below it, and one in an include folder
    WHEN looked for THEN each is found (the rulebook's folder first)."""
    plan, common = tree / "plan", tree / "national"
    assert find_source("local.yaml", plan, [common]) == (plan / "local.yaml").resolve()
    assert find_source("sub/deeper.yaml", plan, []) == (plan / "sub/deeper.yaml").resolve()
    assert find_source("national.yaml", plan, [common]) == (common / "national.yaml").resolve()
    assert find_source("../national/national.yaml", plan, [common]).name == "national.yaml"


@pytest.mark.parametrize("reference", ["../../secret.yaml", "../national/national.yaml",
                                       "link.yaml"])
def test_a_file_outside_the_allowed_folders_is_refused_unread(tree: Path,
                                                               reference: str) -> None:
    """GIVEN ../ paths and a link leading out of the rulebook's folder (no include path)
    WHEN looked for THEN each is refused as outside, without its content in the message."""
    (tree / "plan" / "link.yaml").symlink_to(tree.parent / "secret.yaml")
    with pytest.raises(SourceFileError, match="outside the rulebook's folder") as caught:
        find_source(reference, tree / "plan", [])
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(("reference", "words"), [
    ("/etc/passwd", "absolute path"), ("~/x.yaml", "absolute path"), ("", "not a file path"),
    ("a\0b", "not a file path"), ("sub", "a folder, not a file"),
    ("pipe.yaml", "a named pipe (FIFO), not a file"), ("nowhere.yaml", "does not exist")])
def test_what_is_not_a_usable_file_is_named_for_what_it_is(tree: Path, reference: str,
                                                            words: str) -> None:
    """GIVEN an absolute path, an empty name, a folder, a FIFO and a missing file
    WHEN looked for THEN each refusal says what it is (a folder is not 'missing')."""
    os.mkfifo(tree / "plan" / "pipe.yaml")
    with pytest.raises(SourceFileError, match=words.replace("(", r"\(").replace(")", r"\)")):
        find_source(reference, tree / "plan", [])


def test_reading_is_bounded_and_refuses_what_is_not_a_file(tree: Path) -> None:
    """GIVEN a file over the limit, a folder and a FIFO with no writer
    WHEN read THEN each is refused at once (the FIFO does not block)."""
    path = tree / "plan" / "local.yaml"
    assert read_source_bytes(path, 100) == b"id: local\n"
    with pytest.raises(SourceFileTooLarge, match="more than 5 bytes"):
        read_source_bytes(path, 5)
    with pytest.raises(SourceFileError, match="a folder, not a file"):
        read_source_bytes(tree / "plan", 100)
    os.mkfifo(tree / "pipe.yaml")
    with pytest.raises(SourceFileError, match=r"named pipe \(FIFO\)"):
        read_source_bytes(tree / "pipe.yaml", 100)
    with pytest.raises(SourceFileError, match="does not exist"):
        read_source_bytes(tree / "nowhere.yaml", 100)
