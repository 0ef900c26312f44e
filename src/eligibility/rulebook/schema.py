"""JSON Schemas of the rulebook format, generated from the pydantic models.

The committed files in ``schema/`` are named by the bundled rulebooks' first line
(``# yaml-language-server: $schema=...``) so editors validate and complete them; a test
keeps them equal to what this module generates. Regenerate with
``python -m eligibility.rulebook.schema schema/``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from eligibility.rulebook.models import Rulebook, SharedFile

SCHEMAS = {"rulebook.schema.json": Rulebook, "shared.schema.json": SharedFile}


def schema_of(model: type[Rulebook] | type[SharedFile]) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"eligibility/{model.__name__.lower()}.schema.json", **schema}


def render(model: type[Rulebook] | type[SharedFile]) -> str:
    return json.dumps(schema_of(model), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = folder / name
        path.write_text(render(model), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "schema")):
        print(path)
