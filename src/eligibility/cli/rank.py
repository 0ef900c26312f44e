"""``eligibility rank``: decide, rank and allocate a nominee file; write the run's folder."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated

import typer

from eligibility.batch import BatchRanking
from eligibility.cli.common import (
    EngineOption,
    LangOption,
    RulesOption,
    app,
    errors_exit,
    message,
    progress_display,
)
from eligibility.cli.summary import print_summary
from eligibility.cli.variants import (
    AsOfOption,
    OverrideOption,
    PreviousOption,
    SetOption,
    load_variant,
    with_earlier_rounds,
)
from eligibility.intake.readers import check_regular_file
from eligibility.output.hashing import HashingWriter
from eligibility.output.manifest import build_manifest, sha256_of, write_manifest


@app.command()
def rank(
    nominees: Annotated[Path, typer.Argument(help="Nominee file: .csv, .xlsx or .parquet.")],
    rules: RulesOption,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results.")],
    lang: LangOption = "vi",
    engine: EngineOption = "vectorized",
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write decisions.xlsx.")] = False,
    sheet: Annotated[str, typer.Option("--sheet", help="Excel sheet name or index.")] = "0",
    as_of: AsOfOption = None,
    sets: SetOption = None,
    override: OverrideOption = None,
    previous: PreviousOption = None,
) -> None:
    """Rank a nominee file: decisions.csv, rejected.csv and manifest.json in --out."""
    # The input's checksum (for the manifest) is computed alongside the work: hashlib
    # releases the GIL, so it costs almost no wall time on a second core.
    with errors_exit(lang), ThreadPoolExecutor(max_workers=1) as hashing, \
            progress_display() as progress:
        check_regular_file(nominees, lang)  # before hashing: reading a pipe would never end
        input_digest = hashing.submit(sha256_of, nominees)
        step = progress.add_task(message("cli.step_rulebook", lang), total=None)
        compiled = load_variant(rules, as_of=as_of, sets=sets or (),
                                override_files=override or ())
        compiled, earlier = with_earlier_rounds(compiled, previous or ())
        progress.update(step, description=message("batch.step_deciding", lang,
                                                  file=nominees.name, engine=engine))
        with BatchRanking(compiled, engine=engine, language=lang, earlier=earlier) as run:
            run.read(nominees, sheet=sheet_choice(sheet), keep_table=xlsx)
            progress.update(step, description=message("cli.step_writing", lang))
            written = _write_outputs(run, out_dir, xlsx=xlsx)
        manifest = build_manifest(rulebook=compiled, input_path=nominees,
                                  input_sha256=input_digest.result(), engine=engine,
                                  language=lang, counts=run.counts, summary=run.summary,
                                  outputs=written, warnings=run.warnings,
                                  earlier_rounds=earlier.records())
        write_manifest(manifest, out_dir / "manifest.json")
    print_summary(compiled, run.warnings, run.summary, run.counts, out_dir, lang)


def sheet_choice(value: str) -> str | int:
    """``--sheet``: a sheet's index when all digits, else its name."""
    return int(value) if value.isdigit() else value


def _write_outputs(run: BatchRanking, out_dir: Path, *, xlsx: bool) -> dict[str, str]:
    """Write the result files; return each file's SHA-256 (computed as it is written)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    writers = {"decisions.csv": run.write_decisions, "rejected.csv": run.write_rejected}
    if xlsx:
        writers["decisions.xlsx"] = run.write_xlsx
    digests = {}
    for name, write in writers.items():
        with (out_dir / name).open("wb") as handle, HashingWriter(handle) as hashed:
            write(hashed)
        digests[name] = hashed.hexdigest()
    return digests
