"""What every command shares: terminal safety, error messages in the run's language."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from rich.console import Console

from eligibility.cli.common import cell, json_text, message, os_error_text, say, visible

RULES = Path("rules/hanoi-2022-2025.yaml")
ESC = "\x1b"
HOSTILE = ("A [/x] B [bold]not bold[/bold] [link=https://evil.example]click[/link] "
           "root:x:0: :smile: :x: 1.5 https://example.org 'quoted'")
# A screen clear, a window title, a hyperlink, a right-to-left override and a zero-width space.
CONTROLS = "\x1b[2J\x1b]0;pwned\x07\x1b]8;;https://evil.example\x1b\\k\u202eevil\u200b"
INVISIBLE_CLASSES = ("Cc", "Cf", "Zl", "Zp", "Cs")


def _console(buffer: io.StringIO, *, terminal: bool) -> Console:
    return Console(file=buffer, force_terminal=terminal, width=500, soft_wrap=True,
                   markup=False, highlight=False, emoji=False)


# --- visible -----------------------------------------------------------------------------


def test_every_control_and_invisible_character_is_made_visible() -> None:
    """GIVEN each character of Unicode classes Cc, Cf, Zl, Zp and Cs WHEN made visible THEN
    it is replaced by a printable escape naming its code point."""
    invisible = [chr(code) for code in range(sys.maxunicode + 1)
                 if unicodedata.category(chr(code)) in INVISIBLE_CLASSES]
    assert len(invisible) > 2000
    for char in invisible:
        shown = visible(f"a{char}b")
        assert shown.isprintable(), repr(char)
        assert f"{ord(char):x}" in shown, repr(char)


def test_printable_text_is_left_as_it_is() -> None:
    """GIVEN Vietnamese text, text that looks like markup or emoji codes WHEN made visible
    THEN it is unchanged."""
    for text in ("Nguyễn Thị Ánh — Sở Nội vụ (HN-1)", HOSTILE, "C:\\Users\\an"):
        assert visible(text) == text


def test_line_breaks_are_kept_only_when_asked() -> None:
    """GIVEN two lines separated by CR LF WHEN made visible THEN the line feed is kept in
    multi-line text and escaped otherwise; the carriage return is always escaped."""
    assert visible("one\r\ntwo", multiline=True) == "one\\x0d\ntwo"
    assert visible("one\r\ntwo") == "one\\x0d\\x0atwo"


def test_a_value_cannot_add_a_line_to_a_message() -> None:
    """GIVEN an id holding a line break and a forged line WHEN put in a message THEN the
    break is shown as an escape and the message stays one line."""
    forged = "HN-1\nKết quả đã ghi vào thư mục /etc"
    text = message("cli.no_person", "vi", id=forged, file="a.csv")
    assert "\n" not in text
    assert "HN-1\\x0aKết quả đã ghi vào thư mục /etc" in text


# --- printing ----------------------------------------------------------------------------


@pytest.mark.parametrize("terminal", [False, True])
def test_hostile_text_is_printed_as_written(terminal: bool) -> None:
    """GIVEN text with markup, a hyperlink, emoji codes and escape sequences WHEN said, as
    a table cell too, on a terminal and off one THEN the markup and codes are printed as
    written, the escape sequences as escapes, and the only escape sequences in the output
    are the tool's own styles."""
    from rich.table import Table

    buffer = io.StringIO()
    console = _console(buffer, terminal=terminal)
    say(HOSTILE + CONTROLS, ("styled " + HOSTILE, "bold"), console=console)
    table = Table()
    table.add_column("x")
    table.add_row(cell(HOSTILE + CONTROLS))
    console.print(table)
    printed = buffer.getvalue()
    assert printed.count(HOSTILE) == 3
    assert printed.count(visible(CONTROLS)) == 2
    assert "❌" not in printed and "😄" not in printed
    assert "\x1b]" not in printed and "\x1b[2J" not in printed and "\u202e" not in printed
    if not terminal:
        assert ESC not in printed


def test_a_long_hostile_string_is_printed_whole() -> None:
    """GIVEN an 80 KB string full of markup-like brackets, numbers, addresses and escape
    sequences WHEN said THEN every character is printed, escaped where invisible."""
    text = (HOSTILE + CONTROLS) * (80_000 // len(HOSTILE + CONTROLS) + 1)
    buffer = io.StringIO()
    say(text, console=_console(buffer, terminal=False))
    assert buffer.getvalue() == visible(text) + "\n"


def test_json_text_is_valid_json_of_the_same_values() -> None:
    """GIVEN values with letters of several scripts and invisible characters WHEN written as
    JSON for the terminal THEN it is printable, keeps the letters and decodes to the same
    values."""
    value = {"full_name": "Nguyễn Văn An" + CONTROLS, "note": "\u2028\U000e0041\ud800"}
    text = json_text(value)
    assert "Nguyễn Văn An" in text
    assert all(line.isprintable() for line in text.splitlines())
    assert json.loads(text) == value


@pytest.mark.parametrize(("error", "vi", "en"), [
    (FileNotFoundError(2, "No such file", "x.csv"), "không tìm thấy 'x.csv'",
     "'x.csv' does not exist"),
    (FileExistsError(17, "File exists", "README.md"), "'README.md' đã có và không phải là "
     "thư mục", "'README.md' already exists and is not a folder"),
    (PermissionError(13, "Permission denied", "out"), "không có quyền truy cập 'out'",
     "no permission to use 'out'"),
    (OSError(28, "No space left on device", "out/decisions.csv"),
     "không dùng được 'out/decisions.csv' (No space left on device)",
     "cannot use 'out/decisions.csv' (No space left on device)"),
])
def test_file_errors_name_the_file_in_the_language(error: OSError, vi: str, en: str) -> None:
    """GIVEN an error of the operating system about a file WHEN told THEN the message names
    the file, in each language."""
    assert os_error_text(error, "vi") == vi
    assert os_error_text(error, "en") == en


# --- the commands ------------------------------------------------------------------------


def _run(*arguments: str, terminal: bool = False) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE")}
    if terminal:
        environment["FORCE_COLOR"] = "1"
    return subprocess.run([sys.executable, "-m", "eligibility", *arguments],
                          capture_output=True, text=True, check=False, env=environment,
                          timeout=120)


def _one_person(path: Path, *, full_name: str, agency: str) -> Path:
    """A nominee file of one eligible person of the example, with this name and agency."""
    with Path("examples/hanoi/nominees.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        row = next(row for row in reader if row["id"] == "HN-001053")
        fields = reader.fieldnames
    assert fields is not None
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerow({**row, "full_name": full_name, "agency": agency})
    return path


@pytest.mark.parametrize("terminal", [False, True])
def test_explain_shows_hostile_names_as_written(tmp_path: Path, terminal: bool) -> None:
    """GIVEN a person whose name and agency hold markup, a hyperlink and emoji codes
    WHEN explained, on a terminal and off one THEN it works and both show as written."""
    nominees = _one_person(tmp_path / "n.csv", full_name=HOSTILE, agency="[/x] " + HOSTILE)
    result = _run("explain", str(nominees), "--rules", str(RULES), "--id", "HN-001053",
                  terminal=terminal)
    assert result.returncode == 0, result.stderr
    assert f"{HOSTILE} — [/x] {HOSTILE}" in result.stdout
    assert "❌" not in result.stdout and "\x1b]8;" not in result.stdout


def test_escape_sequences_in_a_file_never_reach_the_terminal(tmp_path: Path) -> None:
    """GIVEN a person whose agency holds escape sequences and bidirectional controls WHEN
    explained and ranked THEN no raw control character is printed; where the value is shown
    its escapes are."""
    nominees = _one_person(tmp_path / "n.csv", full_name="Phạm Thị Hằng", agency=CONTROLS)
    explained = _run("explain", str(nominees), "--rules", str(RULES), "--id", "HN-001053")
    ranked = _run("rank", str(nominees), "--rules", str(RULES), "--out", str(tmp_path / "o"))
    for result in (explained, ranked):
        assert result.returncode == 0, result.stderr
        printed = result.stdout + result.stderr
        assert all(char in "\n" or not unicodedata.category(char).startswith("C")
                   for char in printed), repr(printed)
    if "rejected" not in explained.stdout and "không đọc được" not in explained.stdout:
        assert visible(CONTROLS) in explained.stdout


def test_check_prints_a_version_and_title_with_brackets(tmp_path: Path) -> None:
    """GIVEN a valid rulebook whose version and id context hold rich markup WHEN checked THEN
    it exits 0 and prints the version as written."""
    text = Path(RULES).read_text(encoding="utf-8").replace(
        'version: "2023.1"', 'version: "2023 [/x] [link=https://evil.example]k[/link] :x:"')
    rulebook = tmp_path / "hanoi.yaml"
    rulebook.write_text(text, encoding="utf-8")
    (tmp_path / "vn-regulations.yaml").write_bytes(Path("rules/vn-regulations.yaml").read_bytes())
    for terminal in (False, True):
        result = _run("check", str(rulebook), terminal=terminal)
        assert result.returncode == 0, result.stderr
        assert "2023 [/x] [link=https://evil.example]k[/link] :x:" in result.stdout


def test_an_error_quoting_a_huge_line_is_printed_whole_and_quickly(tmp_path: Path) -> None:
    """GIVEN a rulebook whose criterion is an 80 KB line ending in an unknown name WHEN
    checked THEN it exits 2 well within the time limit and names the file; the line is
    quoted as written or refused for its size."""
    hostile = " or ".join(f"position == '{HOSTILE[:40]} {index}'" for index in range(1600))
    assert len(hostile) > 80_000
    text = Path(RULES).read_text(encoding="utf-8").replace(
        "condition: position in quota.positions", f'condition: "{hostile} or no_such_name"')
    rulebook = tmp_path / "hanoi.yaml"
    rulebook.write_text(text, encoding="utf-8")
    (tmp_path / "vn-regulations.yaml").write_bytes(Path("rules/vn-regulations.yaml").read_bytes())
    result = _run("check", str(rulebook), terminal=True)
    assert result.returncode == 2, result.stdout + result.stderr
    assert str(rulebook) in result.stderr
    assert "❌" not in result.stderr


def test_an_output_folder_that_is_a_file_is_refused_naming_it(tmp_path: Path) -> None:
    """GIVEN --out naming an existing file WHEN ranking THEN the run exits 2 and says, in
    the run's language, that the path exists and is not a folder."""
    taken = tmp_path / "README.md"
    taken.write_text("not a folder", encoding="utf-8")
    for language, words in (("vi", "đã có và không phải là thư mục"),
                            ("en", "already exists and is not a folder")):
        result = _run("rank", "examples/hanoi/nominees.csv", "--rules", str(RULES), "--out",
                      str(taken), "--lang", language)
        assert result.returncode == 2, result.stderr
        assert str(taken) in result.stderr and words in result.stderr
        assert "Errno" not in result.stderr
    assert taken.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize(("language", "words"), [
    ("vi", "bộ máy durable (durable-rules) chưa được cài trên máy này"),
    ("en", "the durable engine (durable-rules) is not installed on this machine"),
])
def test_a_missing_engine_exits_3_with_a_working_install_hint(tmp_path: Path, language: str,
                                                              words: str) -> None:
    """GIVEN a machine where durable_rules cannot be imported WHEN a run asks for the durable
    engine THEN it exits 3 saying so in the run's language, with the pip command that
    installs it and the engines that need nothing more."""
    without_durable = ("import sys; sys.modules['durable'] = None; "
                       "sys.modules['durable_rules_engine'] = None; "
                       "from eligibility.cli import main; sys.argv[0] = 'eligibility'; main()")
    result = subprocess.run(
        [sys.executable, "-c", without_durable, "rank", "examples/hanoi/nominees.csv",
         "--rules", str(RULES), "--out", str(tmp_path / "o"), "--engine", "durable",
         "--lang", language], capture_output=True, text=True, check=False)
    assert result.returncode == 3, result.stderr
    message = " ".join(result.stderr.split())
    assert words in message
    assert "pip install 'durable-rules==2.0.28'" in message
    assert "--engine vectorized" in message
