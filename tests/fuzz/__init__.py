"""Mutation fuzzing of rulebooks and nominee files through the ``eligibility`` command.

Rulebooks (:mod:`tests.fuzz.rulebooks`) are mutated in their YAML structure, expressions,
numbers, dates, includes and bytes; nominee files (:mod:`tests.fuzz.nominees`) in their
cells, header, rows, format (CSV, Excel, Parquet) and bytes. Each case runs the command in
a worker process bounded in time and memory (:mod:`tests.fuzz.runner`), and every run is
checked (:mod:`tests.fuzz.checks`): exit 0 or 2, never 1 or a signal; within the bounds;
rows in = decided + rejected; the three engines agree.

``tests/test_fuzz.py`` runs a few dozen cases in the test suite; a campaign runs on demand::

    python -m tests.fuzz --rulebooks 10000 --nominees 10000 --seconds 14400
"""
