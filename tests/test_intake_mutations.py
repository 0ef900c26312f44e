"""Mutated nominee files: every one is read (rows in = kept + rejected) or refused cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eligibility
from eligibility.errors import InputError

CORPUS = Path(__file__).parent / "data" / "intake"
SEEDS = [CORPUS / name for name in ("bom.csv", "semicolon.csv", "unicode_text.txt",
                                    "extra_field.csv")]
RULES = Path("rules/hanoi-2022-2025.yaml")
_INTERESTING = [b",", b";", b"\t", b"\n", b"\r\n", b'"', b"\x00", b"\xff", b"\xef\xbb\xbf",
                b"\xe2\x80\x8b", b" ", b"", b"id", b"nominated_for"]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    seed = draw(st.sampled_from(SEEDS))
    data = bytearray(seed.read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(_INTERESTING) | st.binary(max_size=4))
        if action == "insert":
            data[at:at] = piece
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        else:
            data[at:at + len(piece)] = piece
    return seed.suffix, bytes(data)


@pytest.fixture(scope="module")
def rulebook() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(RULES)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(case=mutated())
def test_a_mutated_file_is_read_or_refused_never_crashes(
        tmp_path: Path, rulebook: eligibility.CompiledRulebook,
        case: tuple[str, bytes]) -> None:
    """GIVEN a corpus file with bytes inserted, deleted or replaced (separators, quotes,
    line breaks, NUL, BOMs, invalid UTF-8, zero-width spaces)
    WHEN it is read in either language
    THEN it is refused with InputError, or read with every row kept or rejected and every
    rejected row naming its row, line and a reason."""
    suffix, data = case
    path = tmp_path / f"mutated{suffix}"
    path.write_bytes(data)
    for language in ("vi", "en"):
        try:
            intake = eligibility.read_nominees(path, rulebook, language=language)
        except InputError as error:
            assert str(error).startswith(str(path))
            continue
        assert intake.candidates.height + intake.rejected.height == intake.rows_in
        for row in intake.rejected.iter_rows(named=True):
            assert 1 <= row["row"] <= intake.rows_in
            assert row["line"] >= row["row"] + 1
            assert row["error"]
            assert "\x00" not in row["error"] and "\x00" not in (row["value"] or "")
        assert not any("\x00" in str(value) for value in intake.candidates["candidate_id"])
