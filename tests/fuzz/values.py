"""Values that have broken parsers before: the fuzzer's vocabulary of trouble."""

from __future__ import annotations

import random

TEXTS = [
    "", " ", "\t", "null", "~", "NaN", "inf", "-0", "0x10", "1e308", "1_000", "０１２",
    "A [/x] B", "[link=https://x.example]click[/link]", "[bold]", "root:x:0:", ":warning:",
    "\x1b[31mred\x1b[0m", "\x1b]8;;https://x.example\x07link\x1b]8;;\x07", "\x00", "a\x00b",
    "\u202eevil\u202c", "HN-000039\u200b", "HN\u2011000039", "\ufeffid", "e\u0301", "Đ",
    "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "'quoted", '"', '""', "a,b", "a;b;c",
    "line\nbreak", "cr\rreturn", "😀", "\U0010ffff", "Nguyễn Văn A",
    "31/12/9999", "9999-12-31", "0001-01-01", "0000-00-00", "2024-02-30", "29/02/1900",
    "1900-02-29", "2023", "99999999", "-99999999", "45000", "1e3", "12/13/2020",
    "x" * 300, "x" * 100_000, ";".join(["a"] * 5_000), "(" * 500,
]
NUMBERS = [0, 1, -1, 2, 35, 2**31, 2**53, 2**63 - 1, -(2**63), 10**15, 10**16, 10_000_000,
           10_000_001, 0.5, -0.0, 1e308, 3.14]


def text(rng: random.Random) -> str:
    return rng.choice(TEXTS)


def number(rng: random.Random) -> int | float:
    return rng.choice(NUMBERS)


def flipped(rng: random.Random, data: bytes) -> bytes:
    """``data`` with one to sixteen bytes set to random values."""
    changed = bytearray(data or b"\x00")
    for _ in range(rng.randint(1, 16)):
        changed[rng.randrange(len(changed))] = rng.randrange(256)
    return bytes(changed)


def cut(rng: random.Random, data: bytes) -> bytes:
    """``data`` cut at a random point."""
    return data[:rng.randrange(len(data) + 1)]


def scalar(rng: random.Random) -> object:
    """Any plain value: text, number, boolean, null, an empty list or mapping."""
    kind = rng.randrange(6)
    if kind <= 2:
        return text(rng)
    if kind == 3:
        return number(rng)
    return rng.choice([True, False, None, [], {}])
