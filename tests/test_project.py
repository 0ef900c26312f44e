"""Project hygiene: public API, JSON Schema in sync, lint, documented functions, README."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import eligibility
from eligibility.language.registry import REGISTRY
from eligibility.language.registry.docs import page
from eligibility.rulebook.schema import SCHEMAS, render

ROOT = Path(__file__).parent.parent


def test_public_names_are_exactly_all() -> None:
    """GIVEN the package WHEN its public names are listed THEN __all__ lists exactly them."""
    # "@..." names are pytest's assertion rewriting; submodules appear once imported.
    public = {name for name, value in vars(eligibility).items()
              if not name.startswith(("_", "@")) and not isinstance(value, ModuleType)
              } - {"annotations"}
    assert set(eligibility.__all__) == public


def test_committed_json_schemas_match_the_models() -> None:
    """GIVEN the committed schema files WHEN regenerated from the models THEN nothing changes."""
    for name, model in SCHEMAS.items():
        assert (ROOT / "schema" / name).read_text(encoding="utf-8") == render(model), name


def test_bundled_rulebooks_name_their_schema() -> None:
    """GIVEN the bundled rulebooks WHEN their first line is read THEN it names the schema."""
    assert (ROOT / "rules/hanoi-2022-2025.yaml").read_text().startswith(
        "# yaml-language-server: $schema=../schema/rulebook.schema.json")
    assert (ROOT / "rules/vn-regulations.yaml").read_text().startswith(
        "# yaml-language-server: $schema=../schema/shared.schema.json")


def test_ruff_is_clean() -> None:
    """GIVEN the sources and tests WHEN ruff checks them THEN it reports nothing."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests", "bench",
                             "examples"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_language_page_lists_exactly_the_registry() -> None:
    """GIVEN the rule-language reference page WHEN its entries are read THEN they are
    exactly the registry's, in its order, and the page is what the registry generates."""
    path = ROOT / "docs" / "rule-language.md"
    text = path.read_text(encoding="utf-8")
    names = re.findall(r"^#### `(.+)`$", text, re.MULTILINE)
    assert names == list(REGISTRY)
    assert text == page(text), "regenerate: python -m eligibility.language.registry.docs"


def test_readme_quick_start_is_two_commands() -> None:
    """GIVEN the README WHEN its quick start is read THEN it has exactly two commands, the
    second being the test command CI runs."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci


def test_readme_python_blocks_run_as_written(tmp_path: Path) -> None:
    """GIVEN the README's Python code blocks WHEN run one after the other, as written, in a
    fresh interpreter from the project folder THEN they finish without an error and print
    the decisions they show."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", readme, re.DOTALL | re.MULTILINE)
    assert len(blocks) >= 2
    script = tmp_path / "readme_blocks.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^tai-chinh True \(\) \{'young': 10", result.stdout, re.MULTILINE)


def test_install_hints_name_the_requirement_the_project_declares() -> None:
    """GIVEN the durable extra of pyproject.toml WHEN the hints printed where durable-rules
    is missing are read THEN each names that very requirement, installable from the package
    index (not an extra of this package, which no index holds)."""
    import tomllib

    from eligibility.engines.durable import INSTALL_HINT
    from eligibility.i18n import LANGUAGES, t

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (durable,) = project["project"]["optional-dependencies"]["durable"]
    requirement = durable.split(";")[0].strip()
    hints = [INSTALL_HINT, *(t("cli.durable_unavailable", language) for language in LANGUAGES)]
    for hint in hints:
        assert f"pip install '{requirement}'" in hint, hint
        assert "eligibility[" not in hint, hint


# Documents that live outside the repository, and absolute paths of a machine.
_OUTSIDE = re.compile(r"\b(SPEC|REGULATIONS|PLAN|DESIGN|STYLE)[-\w]*\.md\b|\.\./shared\b"
                      r"|(?<![\w.])/(work|farm|home|Users|root)/")
_NOT_THE_PROJECT = {".git", ".venv", "out", "build", "dist", "__pycache__", ".pytest_cache",
                    ".ruff_cache", ".hypothesis", ".mypy_cache"}


def test_no_file_names_a_document_outside_the_project() -> None:
    """GIVEN every file of the project WHEN its text is searched THEN none names a document
    that is not in the repository, nor an absolute path of some machine."""
    found = []
    for path in sorted(ROOT.rglob("*")):
        parts = set(path.relative_to(ROOT).parts)
        if not path.is_file() or parts & _NOT_THE_PROJECT or any(
                part.endswith(".egg-info") for part in parts):
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found.extend(f"{path.relative_to(ROOT)}: {match.group()}"
                     for match in _OUTSIDE.finditer(text))
    assert not found, found


def test_the_language_knows_no_engine() -> None:
    """GIVEN the language package WHEN its imports are read THEN none is from the engines,
    and no module learns a schema by running an engine on an empty frame."""
    language = ROOT / "src" / "eligibility" / "language"
    for path in language.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "eligibility.engines" not in text, path
    for path in (ROOT / "src").rglob("*.py"):
        assert ".head(0)" not in path.read_text(encoding="utf-8"), path
