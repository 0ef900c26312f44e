"""Regenerate ``broken/``: each file is minimal.yaml with one deliberate mistake.

Run ``python tests/data/rulebooks/make_broken.py`` after changing minimal.yaml; the output
files and their ``.expect.yaml`` (error class, line, phrases) are committed. They include
``vn-regulations.yaml``, found through the include path (the project's ``rules/`` folder).
"""

from pathlib import Path

import yaml

base_dir = Path(__file__).parent
base = (base_dir / "minimal.yaml").read_text()
out = base_dir / "broken"


def case(name, old, new, error, contains, marker=None, description="", occurrence=1):
    assert old in base, (name, old)
    text = base.replace(old, new, 1)
    text = text.replace("../../../", "../../../../")
    text = text.replace(
        "# The smallest useful rulebook: the base from which the broken examples are made.",
        f"# Deliberately broken: {description}",
    )
    (out / f"{name}.yaml").write_text(text)
    lines = text.splitlines()
    marker = marker or new.strip().splitlines()[-1].strip()
    line = [i + 1 for i, text_line in enumerate(lines) if marker in text_line][occurrence - 1]
    expect = {"description": description, "error": error, "line": line, "contains": contains}
    (out / f"{name}.expect.yaml").write_text(
        yaml.safe_dump(expect, allow_unicode=True, sort_keys=False)
    )


def main() -> None:
    F = "    condition: age_on(birth_date, quota.start) <= quota.max_age"
    case(
        "duplicate_top_key",
        "ranking:\n",
        'version: "2"\nranking:\n',
        "RulebookSyntaxError",
        ["duplicate key 'version'", "first given on line 5"],
        'version: "2"',
        "a top-level key given twice",
    )
    case(
        "duplicate_nested_key",
        "    seats: 2\n",
        "    seats: 2\n    seats: 3\n",
        "RulebookSyntaxError",
        ["duplicate key 'seats'"],
        "seats: 3",
        "a key given twice inside a quota",
    )
    case(
        "expression_syntax",
        F,
        "    condition: age_on(birth_date, quota.start) <=",
        "ExpressionSyntaxError",
        ["syntax error", "age-limit"],
        None,
        "a condition that does not parse",
    )
    case(
        "misspelt_field",
        F,
        "    condition: age_on(brith_date, quota.start) <= quota.max_age",
        "UnknownNameError",
        ["unknown name 'brith_date'", "did you mean 'birth_date'", "age-limit"],
        None,
        "a misspelt field name in a condition",
    )
    case(
        "misspelt_function",
        F,
        "    condition: age_of(birth_date, quota.start) <= quota.max_age",
        "UnknownNameError",
        ["unknown function 'age_of'", "did you mean 'age_on'"],
        None,
        "a misspelt function name",
    )
    case(
        "misspelt_quota_attribute",
        F,
        "    condition: age_on(birth_date, quota.strat) <= quota.max_age",
        "UnknownNameError",
        ["quotas have no attribute 'strat'", "did you mean 'quota.start'"],
        None,
        "a misspelt quota attribute",
    )
    case(
        "unknown_vocabulary_code",
        "\"10 if gender == 'female' else 0\"",
        "\"10 if gender == 'femal' else 0\"",
        "UnknownNameError",
        ["'femal' is not a code of gender", "did you mean 'female'", "in 'female'"],
        None,
        "a vocabulary code misspelt in points",
    )
    case(
        "type_mismatch",
        F,
        "    condition: birth_date <= 35",
        "ExpressionTypeError",
        ["cannot compare date with int"],
        None,
        "a date compared with a number",
    )
    case(
        "unordered_vocabulary",
        "\"10 if gender == 'female' else 0\"",
        "\"10 if gender >= 'female' else 0\"",
        "ExpressionTypeError",
        ["have no order"],
        None,
        "an order comparison on a vocabulary that has no order",
    )
    case(
        "points_not_number",
        "\"10 if gender == 'female' else 0\"",
        "\"gender == 'female'\"",
        "ExpressionTypeError",
        ["gives bool, not number"],
        None,
        "points that are a condition, not a number",
    )
    case(
        "unsafe_dunder",
        F,
        "    condition: ().__class__.__bases__ == 1",
        "UnknownNameError",
        ["no attribute '__class__'"],
        None,
        "an attempt to reach Python internals",
    )
    case(
        "unsafe_import",
        F,
        "    condition: __import__('os').system('rm -rf /') == 0",
        "ExpressionSyntaxError",
        ["only the documented functions can be called"],
        None,
        "an attempt to import a module",
    )
    case(
        "unsafe_lambda",
        F,
        '    condition: "(lambda: True)()"',
        "ExpressionSyntaxError",
        ["only the documented functions can be called"],
        None,
        "a lambda",
    )
    case(
        "python_tag",
        'version: "1"',
        "version: !!python/object/apply:os.system ['echo hacked']",
        "RulebookSyntaxError",
        ["tag", "not allowed"],
        "version:",
        "a YAML tag that would run code with an unsafe loader",
    )
    case(
        "impossible_date",
        "    start: 2024-03-01",
        "    start: 2024-02-30",
        "RulebookSchemaError",
        ["quotas.0.start", "YYYY-MM-DD", "in 'course-a'"],
        None,
        "an impossible course start date",
    )
    case(
        "unknown_key",
        "    seats: 2\n",
        "    seat: 2\n",
        "RulebookSchemaError",
        ["unknown key 'seat'", "missing required key 'seats'"],
        "seat: 2",
        "a misspelt key",
    )
    case(
        "missing_message",
        "    message: {vi: Sai vị trí, en: Wrong position}\n",
        "",
        "RulebookSchemaError",
        ["needs a 'message'", "position-match"],
        "  - id: position-match",
        "a criterion without a failure message",
    )
    case(
        "unknown_type",
        "    birth_date: {type: date, required: true}",
        "    birth_date: {type: dat, required: true}",
        "UnknownNameError",
        ["unknown type 'dat'", "did you mean 'date'"],
        None,
        "a field of a type that does not exist",
    )
    case(
        "missing_include",
        "include: [vn-regulations.yaml]",
        "include: [vn-regulation.yaml]",
        "RulebookSyntaxError",
        ["vn-regulation.yaml", "does not exist"],
        "include:",
        "an include that does not exist",
    )
    case(
        "quota_value_missing",
        "    values: {max_age: 35}\n",
        "",
        "UnknownNameError",
        ["quotas have no attribute 'max_age'"],
        "<= quota.max_age",
        "a criterion using a quota value no quota has",
    )
    case(
        "unknown_legal_basis",
        "    basis: [nd-101-2017-art-6]",
        "    basis: [nd-101-2017-art-66]",
        "UnknownNameError",
        ["unknown legal text 'nd-101-2017-art-66'", "did you mean 'nd-101-2017-art-6'"],
        None,
        "a legal basis id that no text has",
    )
    case(
        "range_uses_candidate",
        F,
        "    condition: all(rating[y] >= 'good' for y in range(birth_date.year, 2023))",
        "ExpressionTypeError",
        ["range() bounds must be fixed for a quota"],
        None,
        "a year range that depends on the candidate",
    )
    case(
        "loop_uses_field",
        F,
        "    condition: not any(overlaps(e, interval(birth_date, birth_date))"
        " for e in enrollments)",
        "ExpressionTypeError",
        ["inside a loop over a list only 'e'"],
        None,
        "a loop over a list whose body reads another field",
    )
    case(
        "block_condition",
        F,
        "    condition: |\n      age_on(birth_date, quota.start)\n        <= quota.maxage",
        "UnknownNameError",
        ["quotas have no attribute 'maxage'", "did you mean 'quota.max_age'"],
        "<= quota.maxage",
        "a misspelt name on the second line of a block condition",
    )
    case(
        "message_placeholder",
        '      en: "Aged {age_on(birth_date, quota.start)}, over {quota.max_age}"',
        '      en: "Aged {age_on(birth_date, quota.strat)}, over {quota.max_age}"',
        "UnknownNameError",
        ["in a message placeholder", "quotas have no attribute 'strat'"],
        None,
        "a misspelt name inside a message placeholder",
    )
    case(
        "synonym_conflict",
        "      manager: [quản lý]",
        "      manager: [quản lý, Thu ky]",
        "RulebookSchemaError",
        ["would match both 'clerk' and 'manager'"],
        "      manager:",
        "one spelling under two codes",
    )
    case(
        "tab_indentation",
        "    seats: 2\n",
        "\tseats: 2\n",
        "RulebookSyntaxError",
        ["YAML syntax"],
        "seats: 2",
        "a tab used for indentation",
    )
    case(
        "duplicate_criterion_id",
        "  - id: position-match",
        "  - id: age-limit",
        "RulebookSchemaError",
        ["'age-limit' is used twice"],
        "  - id: age-limit",
        "two criteria with one id",
        occurrence=2,
    )
    hostile()


def hostile() -> None:
    """Small files that once exhausted the machine or crashed the loader."""
    bomb = "".join(f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n"
                   for i in range(1, 9))
    case(
        "alias_bomb",
        "candidate:\n",
        "x-bomb:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + bomb
        + "candidate:\n",
        "RulebookSyntaxError",
        ["more than 200,000 values once its aliases are written out", "max_values"],
        "l5: &l5",
        "a 600-byte alias bomb that stands for 387 million values",
    )
    case(
        "recursive_alias",
        "candidate:\n",
        "x-loop: &loop [*loop]\ncandidate:\n",
        "RulebookSyntaxError",
        ["alias '*loop' is inside the value it names"],
        "x-loop:",
        "an alias inside the value it names",
    )
    case(
        "deep_nesting",
        "candidate:\n",
        "x-deep: " + "[" * 1000 + "]" * 1000 + "\ncandidate:\n",
        "RulebookSyntaxError",
        ["nested more than 40 deep", "max_depth"],
        "x-deep:",
        "lists nested 1,000 deep",
    )
    case(
        "nul_byte",
        'version: "1"',
        'version: "1\0"',
        "RulebookSyntaxError",
        ["a NUL byte (U+0000)"],
        "version:",
        "a NUL byte inside a value",
    )
    case(
        "huge_integer",
        "    values: {max_age: 35}",
        "    values: {max_age: " + "9" * 5000 + "}",
        "RulebookSyntaxError",
        ["too large for a rulebook", "9,223,372,036,854,775,807"],
        "    values: {max_age: 999",
        "a whole number of 5,000 digits",
    )
    case(
        "seats_overflow",
        "    seats: 2\n",
        "    seats: 9223372036854775808\n",
        "RulebookSyntaxError",
        ["too large for a rulebook"],
        None,
        "seats beyond 64 bits",
    )
    case(
        "seats_too_many",
        "    seats: 2\n",
        "    seats: 9223372036854775807\n",
        "RulebookSchemaError",
        ["quotas.0.seats", "at most 10,000,000"],
        None,
        "more seats than any civil service has people",
    )
    case(
        "budget_too_large",
        "    budget: 200\n",
        "    budget: 9000000000000000000\n",
        "RulebookSchemaError",
        ["quotas.0.budget", "at most 1,000,000,000,000,000"],
        None,
        "a budget whose share per seat would overflow",
    )
    case(
        "include_outside",
        "include: [vn-regulations.yaml]",
        "include: [../../../README.md]",  # the project's README, once moved into broken/
        "RulebookSyntaxError",
        ["'../../../../README.md' cannot be used", "outside the rulebook's folder"],
        "README.md",
        "an include that leaves the rulebook's folder and the include path",
    )
    case(
        "include_absolute",
        "include: [vn-regulations.yaml]",
        "include: [/etc/passwd]",
        "RulebookSyntaxError",
        ["'/etc/passwd' cannot be used", "absolute path"],
        None,
        "an include by absolute path",
    )
    case(
        "include_folder",
        "include: [vn-regulations.yaml]",
        "include: [../broken]",
        "RulebookSyntaxError",
        ["'../broken' cannot be used: it is a folder, not a file"],
        None,
        "a folder named as an include",
    )


if __name__ == "__main__":
    main()
