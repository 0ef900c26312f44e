"""The `eligibility` command itself: its version and its last-resort message."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import pytest

from eligibility.cli import language_asked, version_text


def test_version_prints_the_installed_version() -> None:
    """GIVEN the installed package WHEN `eligibility --version` runs THEN it prints its name
    and the version the package metadata holds, and exits 0."""
    result = subprocess.run([sys.executable, "-m", "eligibility", "--version"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"eligibility {metadata.version('eligibility')}\n"
    assert version_text() == result.stdout.strip()


@pytest.mark.parametrize(("arguments", "language"), [
    (["rank", "a.csv", "--lang", "en"], "en"),
    (["check", "r.yaml", "--lang=en"], "en"),
    (["check", "r.yaml"], "vi"),
    (["check", "--lang"], "vi"),
    (["check", "--lang", "de"], "vi"),
])
def test_the_language_of_a_command_line_is_found_without_parsing_it(
        arguments: list[str], language: str) -> None:
    """GIVEN a command line WHEN its language is looked for (to report an internal error)
    THEN it is the --lang given when it is a known one, Vietnamese otherwise."""
    assert language_asked(arguments) == language


@pytest.mark.parametrize(("language", "words"), [
    ("vi", "Lỗi nội bộ của chương trình: RuntimeError: boom [/x]"),
    ("en", "internal error: RuntimeError: boom [/x]"),
])
def test_an_unexpected_error_is_reported_in_the_language_without_a_traceback(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        language: str, words: str) -> None:
    """GIVEN a command that fails in an unexpected way WHEN run THEN it exits 1 with a
    message in the run's language asking to report it, and no traceback."""
    import eligibility.cli as cli

    def fail() -> None:
        raise RuntimeError("boom [/x]")

    monkeypatch.setattr(cli, "app", fail)
    monkeypatch.setattr(sys, "argv", ["eligibility", "check", "x.yaml", "--lang", language])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 1
    printed = capsys.readouterr().err
    assert words in printed
    assert "Traceback" not in printed
