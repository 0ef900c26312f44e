"""The results folder: complete sets only, manifest last, locked, no link followed, no
input overwritten, nothing lost on a full disk or a kill."""

from __future__ import annotations

import hashlib
import json
import random
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from eligibility.errors import OutputFolderError
from eligibility.output.run_folder import MANIFEST, STAGING, RunFolder

ROOT = Path(__file__).parent.parent
RULES = ROOT / "rules" / "hanoi-2022-2025.yaml"
NOMINEES = ROOT / "examples" / "hanoi" / "nominees.csv"


def manifest_of(outputs: dict[str, str], tag: str = "") -> bytes:
    return json.dumps({"tag": tag, "outputs": outputs}).encode()


def write_set(folder: Path, files: dict[str, bytes], tag: str = "", **options: object) -> None:
    """Write ``files`` as one run into ``folder`` through a RunFolder."""
    with RunFolder(folder, **options).writing() as run:  # type: ignore[arg-type]
        for name, data in files.items():
            run.add_bytes(name, data)
        run.commit(manifest_of(run.digests, tag))


def assert_consistent(folder: Path) -> dict[str, object]:
    """The folder holds one complete run: its manifest lists exactly the visible files,
    each with its SHA-256. A set that a kill left half in place is finished first."""
    if not (folder / MANIFEST).exists():
        RunFolder(folder).recover()
    manifest = json.loads((folder / MANIFEST).read_bytes())
    outputs = manifest["outputs"]
    for name, digest in outputs.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    visible = {path.name for path in folder.iterdir() if not path.name.startswith(".")}
    assert visible == {*outputs, MANIFEST}
    return manifest


def rank(*arguments: str | Path, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eligibility", "rank", *map(str, arguments)],
                          capture_output=True, text=True, check=False, **options)  # type: ignore[call-overload]


# --- the library -----------------------------------------------------------------------------


def test_a_set_is_written_with_its_manifest_last(tmp_path: Path) -> None:
    """GIVEN a new folder WHEN a run writes two files THEN both are there, the manifest lists
    their SHA-256s, and no staging file is left."""
    write_set(tmp_path / "out", {"a.csv": b"1\n", "b.csv": b"2\n"})
    manifest = assert_consistent(tmp_path / "out")
    assert manifest["outputs"] == {"a.csv": hashlib.sha256(b"1\n").hexdigest(),
                                   "b.csv": hashlib.sha256(b"2\n").hexdigest()}
    assert not (tmp_path / "out" / STAGING).exists()


def test_files_of_the_previous_run_that_this_run_does_not_write_are_removed(
        tmp_path: Path) -> None:
    """GIVEN a folder holding a run with decisions.xlsx and a file of the user's own
    WHEN a run without the workbook writes there
    THEN the stale workbook is gone, the user's file stays."""
    out = tmp_path / "out"
    write_set(out, {"decisions.csv": b"old", "decisions.xlsx": b"old workbook"})
    (out / "notes.txt").write_text("mine")
    write_set(out, {"decisions.csv": b"new"})
    assert not (out / "decisions.xlsx").exists()
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "decisions.csv").read_bytes() == b"new"


def test_a_planted_link_is_replaced_and_its_target_never_written(tmp_path: Path) -> None:
    """GIVEN out/decisions.csv planted as a link to a file elsewhere
    WHEN a run writes decisions.csv THEN the link is replaced by the file and the target
    is unchanged."""
    target = tmp_path / "precious.txt"
    target.write_text("do not touch")
    out = tmp_path / "out"
    out.mkdir()
    (out / "decisions.csv").symlink_to(target)
    write_set(out, {"decisions.csv": b"results"})
    assert target.read_text() == "do not touch"
    assert not (out / "decisions.csv").is_symlink()
    assert (out / "decisions.csv").read_bytes() == b"results"


def test_a_planted_staging_link_is_refused(tmp_path: Path) -> None:
    """GIVEN the staging folder's name planted as a link to a folder elsewhere
    WHEN a run writes THEN it is refused and nothing is written through the link."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / STAGING).symlink_to(elsewhere)
    with pytest.raises(OutputFolderError, match="not a folder this tool made"):
        write_set(out, {"decisions.csv": b"results"}, language="en")
    assert list(elsewhere.iterdir()) == []


def test_an_input_of_the_run_is_never_an_output(tmp_path: Path) -> None:
    """GIVEN a nominee file named decisions.csv inside the results folder
    WHEN a run is checked, and written, there THEN both are refused, naming the file, and
    the input is unchanged."""
    out = tmp_path / "s"
    out.mkdir()
    nominees = out / "decisions.csv"
    nominees.write_bytes(b"id\n1\n")
    folder = RunFolder(out, inputs=[nominees], language="en")
    with pytest.raises(OutputFolderError, match=r"'decisions.csv' in '.*s' is an input"):
        folder.check(["decisions.csv"])
    with pytest.raises(OutputFolderError, match="is an input"):
        write_set(out, {"decisions.csv": b"results"}, inputs=[out / ".." / "s" /
                                                              "decisions.csv"], language="en")
    assert nominees.read_bytes() == b"id\n1\n"


def test_an_existing_file_as_the_folder_is_a_clear_error(tmp_path: Path) -> None:
    """GIVEN --out naming an existing file WHEN checked or written THEN the error says it
    is a file, in the run's language, and the file is unchanged."""
    readme = tmp_path / "README.md"
    readme.write_text("# read me")
    with pytest.raises(OutputFolderError, match="already exists and is not a folder"):
        RunFolder(readme, language="en").check(["decisions.csv"])
    with pytest.raises(OutputFolderError, match="đã có và không phải là thư mục"):
        write_set(readme, {"decisions.csv": b"x"}, language="vi")
    assert readme.read_text() == "# read me"


def test_a_folder_where_a_file_goes_is_refused_before_writing(tmp_path: Path) -> None:
    """GIVEN a folder named decisions.csv in the results folder WHEN checked THEN the error
    names it."""
    (tmp_path / "decisions.csv").mkdir()
    with pytest.raises(OutputFolderError, match=r"'decisions.csv' .* is a folder"):
        RunFolder(tmp_path, language="en").check(["decisions.csv"])


def test_a_failed_write_leaves_the_previous_set(tmp_path: Path) -> None:
    """GIVEN a folder with a complete run WHEN the next run fails while writing a file
    THEN the previous set is there, intact, and no staging file is left."""
    out = tmp_path / "out"
    write_set(out, {"decisions.csv": b"old"}, tag="old")

    def fail(handle: object) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputFolderError, match=r"no space left.*previous results there are "
                                                r"unchanged"), \
            RunFolder(out, language="en").writing() as run:
        run.add_bytes("rejected.csv", b"new")
        run.add("decisions.csv", fail)
    assert assert_consistent(out)["tag"] == "old"
    assert not (out / STAGING).exists()


def test_a_second_writer_waits_then_is_refused(tmp_path: Path) -> None:
    """GIVEN one run writing into a folder WHEN a second run tries to write there
    THEN it waits its time, then is refused with a message saying another run writes."""
    out = tmp_path / "out"
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        with RunFolder(out).writing() as run:
            run.add_bytes("a.csv", b"first")
            holding.set()
            release.wait(10)
            run.commit(manifest_of(run.digests, "first"))

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(10)
    started = time.monotonic()
    with pytest.raises(OutputFolderError, match="another run is writing"):
        write_set(out, {"a.csv": b"second"}, lock_timeout=0.3, language="en")
    assert time.monotonic() - started >= 0.3
    release.set()
    thread.join()
    assert assert_consistent(out)["tag"] == "first"


def test_a_set_marked_ready_is_finished_by_the_next_run(tmp_path: Path) -> None:
    """GIVEN a run killed after its set was marked ready and its first file moved in
    (the old manifest already removed) WHEN the folder is recovered THEN the new set is
    complete, the stale file of the old run removed."""
    out = tmp_path / "out"
    write_set(out, {"decisions.csv": b"old", "decisions.xlsx": b"old workbook"}, tag="old")
    ready = out / STAGING / "ready"
    ready.mkdir(parents=True)
    (ready / ".stale.json").write_text('["decisions.xlsx"]')
    (ready / MANIFEST).write_bytes(manifest_of({
        "decisions.csv": hashlib.sha256(b"new").hexdigest(),
        "rejected.csv": hashlib.sha256(b"none").hexdigest()}, "new"))
    (ready / "rejected.csv").write_bytes(b"none")
    (out / MANIFEST).unlink()
    (out / "decisions.csv").write_bytes(b"new")  # already moved in before the kill
    RunFolder(out).recover()
    assert assert_consistent(out)["tag"] == "new"
    assert not (out / STAGING).exists()


def test_a_plain_file_name_is_required(tmp_path: Path) -> None:
    """GIVEN names with a folder part, hidden, or the manifest's WHEN added THEN refused."""
    with RunFolder(tmp_path / "out").writing() as run:
        for name in ("../x.csv", "sub/x.csv", ".hidden", "", MANIFEST):
            with pytest.raises(ValueError, match=r"plain file name|written once"):
                run.add_bytes(name, b"x")


# --- the command ----------------------------------------------------------------------------


def test_rank_refuses_to_overwrite_its_own_input(tmp_path: Path) -> None:
    """GIVEN a nominee file s/decisions.csv WHEN `rank s/decisions.csv --out s` runs
    THEN it exits 2 naming the file, and the input is unchanged."""
    folder = tmp_path / "s"
    folder.mkdir()
    shutil.copy(NOMINEES, folder / "decisions.csv")
    result = rank(folder / "decisions.csv", "--rules", RULES, "--out", folder, "--lang", "en")
    assert result.returncode == 2
    assert "'decisions.csv' in" in result.stderr and "is an input" in result.stderr
    assert (folder / "decisions.csv").read_bytes() == NOMINEES.read_bytes()
    assert sorted(path.name for path in folder.iterdir()) == ["decisions.csv"]


def test_rank_refuses_to_write_over_an_earlier_round_it_reads(tmp_path: Path) -> None:
    """GIVEN a run folder r WHEN `rank --previous r --out r` runs THEN it exits 2 naming
    r's decisions.csv, and r's files (the earlier round's record) are unchanged."""
    folder = tmp_path / "r"
    assert rank(NOMINEES, "--rules", RULES, "--out", folder).returncode == 0
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    result = rank(NOMINEES, "--rules", RULES, "--out", folder, "--previous", folder,
                  "--lang", "en")
    assert result.returncode == 2
    assert "'decisions.csv' in" in result.stderr and "is an input" in result.stderr
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_rank_into_an_existing_file_is_a_clear_error(tmp_path: Path) -> None:
    """GIVEN --out naming an existing file WHEN rank runs THEN exit 2 with a sentence, not
    an errno."""
    readme = tmp_path / "README.md"
    readme.write_text("# read me")
    result = rank(NOMINEES, "--rules", RULES, "--out", readme, "--lang", "en")
    assert result.returncode == 2
    assert "already exists and is not a folder" in result.stderr
    assert "Errno" not in result.stderr
    assert readme.read_text() == "# read me"


def test_rank_replaces_a_stale_workbook_and_a_planted_link(tmp_path: Path) -> None:
    """GIVEN a run with --xlsx, then decisions.csv replaced by a link to a file elsewhere
    WHEN rank runs again without --xlsx THEN the workbook is gone, the link's target is
    unchanged, and the manifest matches the files."""
    out = tmp_path / "out"
    assert rank(NOMINEES, "--rules", RULES, "--out", out, "--xlsx").returncode == 0
    assert (out / "decisions.xlsx").exists()
    target = tmp_path / "target.txt"
    target.write_text("untouched")
    (out / "decisions.csv").unlink()
    (out / "decisions.csv").symlink_to(target)
    assert rank(NOMINEES, "--rules", RULES, "--out", out).returncode == 0
    assert target.read_text() == "untouched"
    assert not (out / "decisions.xlsx").exists()
    assert set(assert_consistent(out)["outputs"]) == {"decisions.csv", "rejected.csv"}


def _file_size_limit(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_write_the_system_refuses_leaves_the_previous_set(tmp_path: Path) -> None:
    """GIVEN a folder with a complete run WHEN the next run cannot write its 750 KB
    decisions.csv (the process may write no file over 100 KB) THEN exit 2 saying the
    previous results are unchanged, and they are: same manifest, never a 0-byte one."""
    out = tmp_path / "out"
    assert rank(NOMINEES, "--rules", RULES, "--out", out).returncode == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    result = rank(NOMINEES, "--rules", RULES, "--out", out, "--lang", "en",
                  preexec_fn=lambda: _file_size_limit(100_000))
    assert result.returncode == 2, result.stderr
    assert "cannot write 'decisions.csv'" in result.stderr
    assert "the previous results there are unchanged" in result.stderr
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    assert_consistent(out)


@pytest.fixture
def small_disk(tmp_path: Path) -> object:
    """A 1.2 MB file system (tmpfs), where root may mount one."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", str(disk)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("a small file system cannot be mounted here (needs root)")
    yield disk
    subprocess.run(["umount", str(disk)], check=False)


def test_a_full_disk_leaves_the_previous_set(small_disk: Path) -> None:
    """GIVEN a complete run on a 1.2 MB disk WHEN the next run, with a workbook, fills the
    disk THEN exit 2 naming the full disk, the previous set intact and nothing of the
    failed run left behind."""
    out = small_disk / "out"
    assert rank(NOMINEES, "--rules", RULES, "--out", out).returncode == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    result = rank(NOMINEES, "--rules", RULES, "--out", out, "--xlsx", "--lang", "en")
    assert result.returncode == 2, result.stderr
    assert "no space left on the disk" in result.stderr
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    assert_consistent(out)


# --- kills and concurrent runs ---------------------------------------------------------------


@pytest.fixture(scope="module")
def large_nominees(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "nominees.csv"
    subprocess.run([sys.executable, str(ROOT / "examples" / "hanoi" / "generate.py"),
                    "--count", "20000", "--out", str(path)], check=True, capture_output=True)
    return path


def test_a_kill_at_any_point_leaves_a_consistent_folder(tmp_path: Path,
                                                        large_nominees: Path) -> None:
    """GIVEN a folder with a complete run of 20,000 nominees
    WHEN runs (in the other language, half with a workbook) are killed (SIGKILL) at random
    points, mostly in the second half of a run, where files are written
    THEN after every kill the folder holds one complete run whose manifest's SHA-256s
    match its files (a set a kill left half in place is finished by the next opening)."""
    out = tmp_path / "out"
    started = time.monotonic()
    assert rank(large_nominees, "--rules", RULES, "--out", out).returncode == 0
    duration = time.monotonic() - started
    rng = random.Random(15)
    languages = []
    for attempt in range(6):
        language = ("en", "vi")[attempt % 2]
        extra = ["--xlsx"] if attempt % 3 == 0 else []
        process = subprocess.Popen(
            [sys.executable, "-m", "eligibility", "rank", str(large_nominees), "--rules",
             str(RULES), "--out", str(out), "--lang", language, *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.1) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait()
        languages.append(assert_consistent(out)["language"])
    assert set(languages) <= {"en", "vi"}


def test_two_runs_at_once_leave_one_complete_run(tmp_path: Path,
                                                 large_nominees: Path) -> None:
    """GIVEN two runs (Vietnamese, and English with a workbook) started at once into one
    folder WHEN both end THEN each succeeds (the second waits for the first to write) or,
    if it waited its 60 seconds in vain, is refused saying so; the folder holds exactly one
    of the runs, its manifest matching its files."""
    out = tmp_path / "out"
    commands = [[*map(str, (sys.executable, "-m", "eligibility", "rank", large_nominees,
                            "--rules", RULES, "--out", out)), *extra]
                for extra in (["--lang", "vi"], ["--lang", "en", "--xlsx"])]
    processes = [subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True) for command in commands]
    endings = [(process.wait(), process.stderr.read() if process.stderr else "")
               for process in processes]
    busy = ("another run is writing", "một lượt chạy khác đang ghi")
    assert all(code == 0 or (code == 2 and any(words in text for words in busy))
               for code, text in endings), endings
    assert any(code == 0 for code, _ in endings)
    manifest = assert_consistent(out)
    assert ("decisions.xlsx" in manifest["outputs"]) == (manifest["language"] == "en")
    decisions = (out / "decisions.csv").read_bytes()
    assert manifest["counts"]["nominations"] == decisions.count(b"\r\n") - 1
