"""Strict parsers for one spreadsheet column of text cells.

Every parser takes a polars ``String`` series (already NFC, possibly with nulls) and returns a
:class:`ParsedColumn`: the parsed values and, per row, a message saying why the cell could
not be read, or null when it could. A cell is never guessed at: a bad cell gets a null value
and a message naming what was found and what is expected, with an example, so that the caller
can reject exactly that row. A null or blank cell (empty or only whitespace) is never an error
here: it parses to null, or to the parser's documented default, and the caller decides which
fields are required.

All parsing is vectorized; where Python is needed (vocabulary suggestions) it runs once per
distinct value, not once per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Final, NamedTuple

import polars as pl

from eligibility.errors import suggest
from eligibility.i18n import DEFAULT_LANGUAGE
from eligibility.intake.limits import LIMITS
from eligibility.intake.wording import or_list, say, say_expr
from eligibility.language.domain import DATA_DATE_MAX, DATA_DATE_MIN, EXCEL_EPOCH
from eligibility.text import match_key, match_key_series, strip_expr

__all__ = [
    "ParsedColumn",
    "WordMatcher",
    "parse_booleans",
    "parse_codes",
    "parse_dates",
    "parse_integers",
    "parse_intervals",
    "parse_numbers",
    "parse_text",
    "parse_vocabulary",
]

_CELL: Final = "cell"
_TEXT: Final = "text"
_ROW: Final = "row"
_ITEM: Final = "item"
_VALUE: Final = "value"
_ERROR: Final = "error"

# Difflib runs in Python once per distinct unknown word; a column of free text in a
# vocabulary field could have a million of them, so only the first few get a suggestion.
_MAX_SUGGESTIONS: Final = 1_000
_MAX_LISTED_CODES: Final = 12
_MAX_LISTED_SYNONYMS: Final = 4


@dataclass(frozen=True, eq=False)
class ParsedColumn:
    """The parsed values of one column and, per row, why a cell could not be read.

    ``values`` and ``errors`` have the input's length and name. Where ``errors`` is not null,
    ``values`` is null.
    """

    values: pl.Series
    errors: pl.Series

    def __post_init__(self) -> None:
        if len(self.values) != len(self.errors):
            msg = f"{len(self.values)} values but {len(self.errors)} errors"
            raise ValueError(msg)


# --------------------------------------------------------------------------- shared helpers


def _cells(s: pl.Series) -> pl.Series:
    """Check that ``s`` holds text; an all-null column of unknown type counts as text."""
    if s.dtype == pl.Null:
        return s.cast(pl.String)
    if s.dtype != pl.String:
        msg = f"column {s.name!r} must be read as text (String), not {s.dtype}"
        raise TypeError(msg)
    return s


def _stripped(expr: pl.Expr) -> pl.Expr:
    """Strip whitespace; a blank cell becomes null."""
    text = strip_expr(expr)
    return pl.when(text != "").then(text)


def _text_frame(s: pl.Series) -> pl.LazyFrame:
    """A one-column frame ``text``: the stripped cells, null where blank."""
    return s.to_frame(_CELL).lazy().select(_stripped(pl.col(_CELL)).alias(_TEXT))


def _result(s: pl.Series, frame: pl.LazyFrame) -> ParsedColumn:
    """Collect a frame with ``value`` and ``error`` columns into a :class:`ParsedColumn`."""
    out = frame.select(_VALUE, _ERROR).collect()
    return ParsedColumn(values=out[_VALUE].alias(s.name), errors=out[_ERROR].alias(s.name))


def _per_distinct(cells: pl.Series, parse: Callable[[pl.Series], ParsedColumn]) -> ParsedColumn:
    """Run ``parse`` once per distinct cell and map the results back onto the rows.

    Birth dates, quota lists or course intervals repeat a few thousand spellings over
    millions of rows, so this is several times faster there; where most cells differ, the
    join back would cost more than it saves, and the column is parsed as it is.
    """
    # The estimate (HyperLogLog) costs a few ms; an exact count would cost as much as the
    # de-duplication it is meant to skip.
    if 2 * cells.approx_n_unique() > len(cells):
        return parse(cells)
    distinct = cells.unique(maintain_order=True)
    parsed = parse(distinct)
    table = pl.DataFrame({_CELL: distinct, _VALUE: parsed.values, _ERROR: parsed.errors})
    out = cells.to_frame(_CELL).join(
        table, on=_CELL, how="left", maintain_order="left", nulls_equal=True
    )
    return ParsedColumn(values=out[_VALUE].alias(cells.name), errors=out[_ERROR].alias(cells.name))


def _null_where_error(column: str) -> pl.Expr:
    return pl.when(pl.col(_ERROR).is_null()).then(pl.col(column)).alias(column)


def _listing(codes: Sequence[str], language: str) -> str:
    """The codes, comma-separated; a long list is cut short and says how long it is."""
    if len(codes) <= _MAX_LISTED_CODES:
        return ", ".join(codes)
    shown = ", ".join(codes[:_MAX_LISTED_CODES])
    return say("intake.listing_more", language, shown=shown, count=len(codes))


def _did_you_mean(suggestion: str | None, language: str) -> str:
    return "" if suggestion is None else say("intake.did_you_mean", language,
                                             suggestion=suggestion)


def _unknown_messages(
    words: pl.Series,
    suggest: Callable[[str], str | None],
    *,
    is_not: str,
    expected: str,
    language: str,
) -> pl.Series:
    """``'<word>' is not <is_not>; expected <expected> — did you mean '<suggestion>'?``

    One message per element of ``words``; null stays null. Suggestions come from Python, so
    only the first few distinct words get one.
    """
    distinct = words.drop_nulls().unique(maintain_order=True).head(_MAX_SUGGESTIONS)
    hints = {word: _did_you_mean(suggest(word), language) for word in distinct.to_list()}
    frame = pl.DataFrame({"word": words})
    message = say_expr(
        "intake.unknown_word",
        language,
        word=pl.col("word"),
        is_not=is_not,
        expected=expected,
        hint=pl.col("word").replace_strict(hints, default="", return_dtype=pl.String),
    )
    return frame.select(message).to_series()


# --------------------------------------------------------------------------- text


def parse_text(s: pl.Series) -> ParsedColumn:
    """Strip surrounding whitespace; a blank cell becomes null. Never an error.

    >>> parse_text(pl.Series(["  Hà Nội ", " ", None])).values.to_list()
    ['Hà Nội', None, None]
    """
    cells = _cells(s)
    frame = _text_frame(cells).select(
        pl.col(_TEXT).alias(_VALUE), pl.lit(None, pl.String).alias(_ERROR)
    )
    return _result(cells, frame)


# --------------------------------------------------------------------------- numbers

_INTEGER: Final = r"^[+-]?[0-9]+$"
_NUMBER: Final = r"^[+-]?[0-9]+(?:\.[0-9]+)?$"


def parse_integers(s: pl.Series, *, language: str = DEFAULT_LANGUAGE) -> ParsedColumn:
    """Parse whole numbers: plain ASCII digits with an optional sign (Int64).

    Messages are in ``language`` (``"vi"`` or ``"en"``), as in every parser here.

    >>> parsed = parse_integers(pl.Series(["42", " -7 ", "1.234", None]), language="en")
    >>> parsed.values.to_list()
    [42, -7, None, None]
    >>> parsed.errors[2]
    "'1.234' is not a whole number; expected digits with an optional sign (e.g. 42 or -7)"
    """
    cells = _cells(s)
    text = pl.col(_TEXT)
    shaped = text.str.contains(_INTEGER)
    value = pl.when(shaped).then(text.str.to_integer(strict=False))
    error = (
        pl.when(text.is_null())
        .then(None)
        .when(~shaped)
        .then(say_expr("intake.not_whole_number", language, value=text))
        .when(value.is_null())
        .then(say_expr("intake.whole_number_too_large", language, value=text))
    )
    frame = _text_frame(cells).select(value.alias(_VALUE), error.cast(pl.String).alias(_ERROR))
    return _result(cells, frame.with_columns(_null_where_error(_VALUE)))


def parse_numbers(s: pl.Series, *, language: str = DEFAULT_LANGUAGE) -> ParsedColumn:
    """Parse decimal numbers: digits, optional sign, optional ``.`` and decimals (Float64).

    No thousands separators and no decimal comma: ``1.234.567`` and ``1,5`` are errors.

    >>> parsed = parse_numbers(pl.Series(["3.25", "-7", "1,5"]))
    >>> parsed.values.to_list()
    [3.25, -7.0, None]
    >>> parsed.errors[2]
    "'1,5' không phải là số; cần các chữ số, có thể kèm dấu và dấu chấm thập phân \
(ví dụ 42, -7 hoặc 3.25)"
    """
    cells = _cells(s)
    text = pl.col(_TEXT)
    shaped = text.str.contains(_NUMBER)
    value = pl.when(shaped).then(text.cast(pl.Float64, strict=False))
    error = (
        pl.when(text.is_null())
        .then(None)
        .when(~shaped)
        .then(say_expr("intake.not_a_number", language, value=text))
        .when(~value.is_finite())
        .then(say_expr("intake.number_too_large", language, value=text))
    )
    frame = _text_frame(cells).select(value.alias(_VALUE), error.cast(pl.String).alias(_ERROR))
    return _result(cells, frame.with_columns(_null_where_error(_VALUE)))


# --------------------------------------------------------------------------- dates

_MIN_DATE: Final = DATA_DATE_MIN
_MAX_DATE: Final = DATA_DATE_MAX
# Excel's 1900 date system counts days from 1899-12-30 (it believes 1900 was a leap year, so
# serials from 61 on are right from this epoch; below 10000 we read a number as a year).
_EXCEL_EPOCH_TO_UNIX: Final = (dt.date(1970, 1, 1) - EXCEL_EPOCH).days
_MIN_SERIAL: Final = 10_000
_MAX_SERIAL: Final = 2_958_465  # 9999-12-31, the largest date Excel shows
_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_ISO_DATE: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DMY_DATE: Final = r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$"
_BARE_YEAR: Final = r"^[0-9]{4}$"
_SERIAL: Final = r"^[0-9]{5,}(?:\.0+)?$"


@dataclass(frozen=True)
class _DateForms:
    """Which spellings of a date a column accepts besides ``YYYY-MM-DD``."""

    day_first: bool
    bare_year: bool
    excel_serial: bool

    def expected(self, language: str) -> str:
        forms = ["intake.date_form_iso"]
        if self.day_first:
            forms.append("intake.date_form_dmy")
        if self.bare_year:
            forms.append("intake.date_form_year")
        if self.excel_serial:
            forms.append("intake.date_form_serial")
        return or_list([say(form, language) for form in forms], language)


_ISO_ONLY: Final = _DateForms(day_first=False, bare_year=False, excel_serial=False)


def parse_dates(
    s: pl.Series,
    *,
    allow_bare_year: bool = True,
    allow_excel_serial: bool = True,
    language: str = DEFAULT_LANGUAGE,
) -> ParsedColumn:
    """Parse dates written ``YYYY-MM-DD``, ``DD/MM/YYYY``, as a bare year or an Excel serial.

    ``D/M/YYYY`` with one-digit day or month is accepted; a bare year ``YYYY`` means 1 January;
    a whole number of five digits or more (``45123`` or ``45123.0``) is an Excel 1900-system
    serial. Impossible dates are errors, never rolled over; so are dates before 1900-01-01 or
    after 2200-12-31.

    >>> parsed = parse_dates(pl.Series(["1985-06-15", "5/6/1985", "1985", "31213", None]))
    >>> [str(d) for d in parsed.values]
    ['1985-06-15', '1985-06-05', '1985-01-01', '1985-06-15', 'None']
    >>> parse_dates(pl.Series(["31/02/2020"]), language="en").errors[0]
    "'31/02/2020' is not a real date (February 2020 has 29 days)"
    >>> parse_dates(pl.Series(["31/02/2020"])).errors[0]
    "'31/02/2020' không phải là ngày có thật (tháng 2 năm 2020 có 29 ngày)"
    """
    forms = _DateForms(day_first=True, bare_year=allow_bare_year, excel_serial=allow_excel_serial)

    def parse(cells: pl.Series) -> ParsedColumn:
        frame = _with_dates(
            _text_frame(cells), _TEXT, forms, value=_VALUE, error=_ERROR, language=language
        )
        return _result(cells, frame)

    return _per_distinct(_cells(s), parse)


class _DateColumns(NamedTuple):
    """Names of the working columns while one text column is read as dates."""

    kind: str
    year: str
    month: str
    day: str
    serial: str
    date: str

    @classmethod
    def prefixed(cls, prefix: str) -> _DateColumns:
        return cls(*(f"{prefix}_{field}" for field in cls._fields))


def _with_dates(
    frame: pl.LazyFrame, text: str, forms: _DateForms, *, value: str, error: str, language: str
) -> pl.LazyFrame:
    """Add columns ``value`` (Date) and ``error`` parsed from the stripped column ``text``.

    Works in stages of plain columns, so that each regex runs once per cell.
    """
    cols = _DateColumns.prefixed(value)
    t = pl.col(text)
    year, month, day = _date_fields(t, pl.col(cols.kind))
    return (
        frame.with_columns(_date_kind(t, forms).alias(cols.kind))
        .with_columns(
            year.alias(cols.year),
            month.alias(cols.month),
            day.alias(cols.day),
            _excel_serial(t, pl.col(cols.kind)).alias(cols.serial),
        )
        .with_columns(_date_value(cols).alias(cols.date))
        .with_columns(_date_error(t, forms, cols, language).alias(error))
        .with_columns(pl.when(pl.col(error).is_null()).then(pl.col(cols.date)).alias(value))
        .drop(cols)
    )


def _date_kind(text: pl.Expr, forms: _DateForms) -> pl.Expr:
    """``iso``, ``dmy``, ``year``, ``serial`` or null (not a date at all).

    A bare year is recognized even where it is not accepted, to say so in the error.
    """
    kind = pl.when(text.str.contains(_ISO_DATE)).then(pl.lit("iso"))
    if forms.day_first:
        kind = kind.when(text.str.contains(_DMY_DATE)).then(pl.lit("dmy"))
    kind = kind.when(text.str.contains(_BARE_YEAR)).then(pl.lit("year"))
    if forms.excel_serial:
        kind = kind.when(text.str.contains(_SERIAL)).then(pl.lit("serial"))
    return kind.otherwise(None)


def _date_fields(text: pl.Expr, kind: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Year, month and day as written (not checked yet); null for a serial."""
    iso, bare = kind == "iso", kind == "year"
    # Regexes run only on the cells of their kind: on a column of nulls they cost nothing,
    # on a column of non-matching text a lot.
    dmy = pl.when(kind == "dmy").then(text)
    year = pl.when(iso | bare).then(text.str.slice(0, 4)).otherwise(dmy.str.slice(-4))
    month = (
        pl.when(iso)
        .then(text.str.slice(5, 2))
        .when(bare)
        .then(pl.lit("1"))
        .otherwise(dmy.str.extract(r"/([0-9]+)/", 1))
    )
    day = (
        pl.when(iso)
        .then(text.str.slice(8, 2))
        .when(bare)
        .then(pl.lit("1"))
        .otherwise(dmy.str.extract(r"^([0-9]+)/", 1))
    )
    return _to_int32(year), _to_int32(month), _to_int32(day)


def _to_int32(digits: pl.Expr) -> pl.Expr:
    return digits.str.to_integer(strict=False).cast(pl.Int32)


def _excel_serial(text: pl.Expr, kind: pl.Expr) -> pl.Expr:
    """The serial number as an integer; null when too long to be one (or not a serial)."""
    serial = pl.when(kind == "serial").then(text)
    return serial.str.extract(r"^([0-9]+)", 1).str.to_integer(strict=False)


def _serial_in_range(serial: pl.Expr) -> pl.Expr:
    """False also where the digits were too many for an integer (``serial`` is null)."""
    return serial.is_between(_MIN_SERIAL, _MAX_SERIAL).fill_null(value=False)


def _days_in_month(year: pl.Expr, month: pl.Expr) -> pl.Expr:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return (
        pl.when(month == 2)
        .then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )


def _date_value(cols: _DateColumns) -> pl.Expr:
    """The date, or null where the fields do not make a real date."""
    y, m, d, n = pl.col(cols.year), pl.col(cols.month), pl.col(cols.day), pl.col(cols.serial)
    real = m.is_between(1, 12) & d.is_between(1, _days_in_month(y, m))
    from_fields = _days_from_civil(pl.when(real).then(y), m, d).cast(pl.Date)
    from_serial = (pl.when(_serial_in_range(n)).then(n) - _EXCEL_EPOCH_TO_UNIX).cast(pl.Int32)
    is_serial = pl.col(cols.kind) == "serial"
    return pl.when(is_serial).then(from_serial.cast(pl.Date)).otherwise(from_fields)


def _days_from_civil(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Days since 1970-01-01 of a real proleptic Gregorian date (H. Hinnant's algorithm).

    Plain integer arithmetic: twice as fast as ``pl.date``, which also raises on an
    impossible date where this merely computes a wrong number for it.
    """
    march_year = year - (month <= 2).cast(pl.Int32)
    era = march_year.floordiv(400)
    year_of_era = march_year - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2).floordiv(5) + day - 1
    day_of_era = (
        year_of_era * 365 + year_of_era.floordiv(4) - year_of_era.floordiv(100) + day_of_year
    )
    return era * 146_097 + day_of_era - 719_468


def _date_error(
    text: pl.Expr, forms: _DateForms, cols: _DateColumns, language: str
) -> pl.Expr:
    """The reason a non-blank cell is not an accepted date, checked in order of severity."""
    kind, y, m, d = pl.col(cols.kind), pl.col(cols.year), pl.col(cols.month), pl.col(cols.day)
    expected = forms.expected(language)
    not_a_date = say_expr("intake.not_a_date", language, value=text, expected=expected)
    days = _days_in_month(y, m)
    # English names the month; Vietnamese numbers it ("tháng 2").
    month = (
        m.replace_strict(range(1, 13), _MONTHS, default=None, return_dtype=pl.String)
        if language == "en"
        else m.cast(pl.String)
    )
    from_fields = kind != "serial"
    return (
        pl.when(text.is_null())
        .then(None)
        .when(kind.is_null())
        .then(not_a_date)
        .when((kind == "year") & (not forms.bare_year))
        .then(say_expr("intake.only_a_year", language, value=text, expected=expected))
        .when((kind == "serial") & ~_serial_in_range(pl.col(cols.serial)))
        .then(
            say_expr(
                "intake.serial_out_of_range", language, value=text, low=_MIN_SERIAL,
                high=_MAX_SERIAL,
            )
        )
        .when(from_fields & (~m.is_between(1, 12) | (d < 1)))
        .then(not_a_date)
        .when(from_fields & (d > days))
        .then(
            say_expr(
                "intake.not_a_real_date", language, value=text, month=month, year=y, days=days
            )
        )
        .when(~pl.col(cols.date).is_between(_MIN_DATE, _MAX_DATE))
        .then(_out_of_range(text, kind, pl.col(cols.date), language))
        .when(pl.col(cols.date).is_null())  # unreachable; a cell must never vanish silently
        .then(not_a_date)
        .cast(pl.String)
    )


def _out_of_range(text: pl.Expr, kind: pl.Expr, date: pl.Expr, language: str) -> pl.Expr:
    bounds = {"low": str(_MIN_DATE), "high": str(_MAX_DATE)}
    serial_date = date.dt.to_string("%Y-%m-%d")
    return (
        pl.when(kind == "serial")
        .then(
            say_expr(
                "intake.serial_date_out_of_range", language, value=text, date=serial_date,
                **bounds,
            )
        )
        .otherwise(say_expr("intake.date_out_of_range", language, value=text, **bounds))
    )


# --------------------------------------------------------------------------- intervals

_INTERVAL: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\s*/\s*[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_INTERVAL_DTYPE: Final = pl.Struct({"start": pl.Date, "end": pl.Date})


def parse_intervals(
    s: pl.Series,
    *,
    separator: str = ";",
    language: str = DEFAULT_LANGUAGE,
    max_items: int = LIMITS.max_items_per_cell,
) -> ParsedColumn:
    """Parse ``separator``-separated ISO 8601 date intervals ``YYYY-MM-DD/YYYY-MM-DD``.

    Values are lists of ``{"start", "end"}`` structs (both days included); a blank cell is an
    empty list. An empty item, an impossible date or an end before the start is an error, and
    so is a cell of more than ``max_items`` items (it is not split at all).

    >>> parsed = parse_intervals(
    ...     pl.Series(["2023-09-11/2023-09-29", "", "2023-09-29/2023-09-11"]), language="en"
    ... )
    >>> [len(v) if v is not None else None for v in parsed.values]
    [1, 0, None]
    >>> parsed.errors[2]
    "'2023-09-29/2023-09-11' ends before it starts; expected the end on or after the start \
(e.g. 2023-09-11/2023-09-29)"
    """
    return _bounded_items(
        s, separator, max_items, language, partial(_parse_intervals, separator=separator,
                                                   language=language)
    )


def _parse_intervals(cells: pl.Series, *, separator: str, language: str) -> ParsedColumn:
    items = _split_items(cells, separator)
    shaped = pl.col(_ITEM).str.contains(_INTERVAL)
    items = items.with_columns(
        pl.when(shaped).then(pl.col(_ITEM).str.slice(0, 10)).alias("start_text"),
        pl.when(shaped).then(pl.col(_ITEM).str.slice(-10)).alias("end_text"),
    )
    items = _with_dates(
        items, "start_text", _ISO_ONLY, value="start", error="start_error", language=language
    )
    items = _with_dates(
        items, "end_text", _ISO_ONLY, value="end", error="end_error", language=language
    )
    item_error = _interval_error(shaped, separator, language)
    interval = pl.struct("start", "end").cast(_INTERVAL_DTYPE)
    return _result(cells, _join_items(items, interval, item_error, empty=[]))


def _interval_error(shaped: pl.Expr, separator: str, language: str) -> pl.Expr:
    item = pl.col(_ITEM)
    what = say("intake.items_intervals", language)
    return (
        pl.when(item.is_null())
        .then(None)
        .when(item == "")
        .then(_empty_item_error(what, separator, "2023-01-09/2023-01-13", language))
        .when(~shaped)
        .then(say_expr("intake.not_an_interval", language, item=item))
        .when(pl.col("start_error").is_not_null())
        .then(say_expr("intake.in_item", language, item=item, error=pl.col("start_error")))
        .when(pl.col("end_error").is_not_null())
        .then(say_expr("intake.in_item", language, item=item, error=pl.col("end_error")))
        .when(pl.col("end") < pl.col("start"))
        .then(say_expr("intake.interval_reversed", language, item=item))
        .cast(pl.String)
    )


# --------------------------------------------------------------------------- item lists


def _split_items(cells: pl.Series, separator: str) -> pl.LazyFrame:
    """One row per item: ``row`` (cell index), ``text`` (the whole cell), ``item`` (stripped).

    A blank cell gives one row whose ``item`` is null; an empty item gives ``item == ""``.
    """
    return (
        _text_frame(cells)
        .with_row_index(_ROW)
        .with_columns(pl.col(_TEXT).str.split(separator).alias(_ITEM))
        .explode(_ITEM)
        .with_columns(strip_expr(pl.col(_ITEM)))
    )


def _check_separator(separator: str) -> None:
    if not separator:
        msg = "separator must not be empty"
        raise ValueError(msg)


def _bounded_items(
    s: pl.Series,
    separator: str,
    max_items: int,
    language: str,
    parse_distinct: Callable[[pl.Series], ParsedColumn],
) -> ParsedColumn:
    """Parse the cells of at most ``max_items`` items (``parse_distinct`` once per distinct
    cell); the others are errors, not split at all.

    Counting separators is one cheap pass; splitting a cell of tens of thousands of items
    and checking every pair of them would not be.
    """
    _check_separator(separator)
    cells = _cells(s)

    def parse(column: pl.Series) -> ParsedColumn:
        return _per_distinct(column, parse_distinct)

    count = cells.str.count_matches(separator, literal=True).fill_null(0) + 1
    too_many = count > max_items
    if not too_many.any():
        return parse(cells)
    parsed = parse(cells.zip_with(~too_many, pl.Series([None], dtype=pl.String)))
    frame = pl.DataFrame({"count": count, "too_many": too_many})
    message = frame.select(
        pl.when(pl.col("too_many")).then(
            say_expr("intake.too_many_items", language, count=pl.col("count"), limit=max_items)
        )
    ).to_series()
    errors = message.fill_null(parsed.errors).alias(cells.name)
    values = parsed.values.zip_with(~too_many, pl.Series([None], dtype=parsed.values.dtype))
    return ParsedColumn(values=values.alias(cells.name), errors=errors)


def _empty_item_error(what: str, separator: str, example: str, language: str) -> pl.Expr:
    return say_expr(
        "intake.empty_item",
        language,
        cell=pl.col(_TEXT),
        what=what,
        separator=separator,
        example=example,
    )


def _join_items(
    items: pl.LazyFrame, value: pl.Expr, item_error: pl.Expr, *, empty: list[object] | None
) -> pl.LazyFrame:
    """Gather items back into one row per cell: a list of values, or the joined errors.

    A blank cell's value is ``empty`` (``[]`` or null).
    """
    # Errors are gathered as lists and joined afterwards: a string join inside the
    # aggregation is about ten times slower in polars 2.1.
    cells = items.group_by(_ROW, maintain_order=True).agg(
        pl.col(_TEXT).first(), value.alias(_VALUE), item_error.drop_nulls().alias(_ERROR)
    )
    errors = pl.col(_ERROR)
    fine = errors.list.len() == 0
    error = pl.when(~fine).then(errors.list.unique(maintain_order=True).list.join("; "))
    blank = pl.lit(empty, dtype=cells.collect_schema()[_VALUE]) if empty is not None else None
    value_out = pl.when(pl.col(_TEXT).is_null()).then(blank).when(fine).then(pl.col(_VALUE))
    return cells.select(value_out.alias(_VALUE), error.alias(_ERROR))


# --------------------------------------------------------------------------- codes


def parse_codes(
    s: pl.Series,
    *,
    separator: str = ";",
    allowed: Collection[str] | None,
    what: str,
    language: str = DEFAULT_LANGUAGE,
    max_items: int = LIMITS.max_items_per_cell,
) -> ParsedColumn:
    """Parse ``separator``-separated codes such as quota ids, most wanted first.

    Items are stripped and compared exactly, except for case: ``NOI-VU-URBAN`` reads as the
    allowed spelling ``noi-vu-urban``. With ``allowed=None`` any non-empty item is a code.
    An empty item, a code listed twice, a code not in ``allowed`` or more than ``max_items``
    items is an error; a blank cell is null. ``what`` names one code in messages, in
    ``language`` (e.g. ``"quota"``, ``"chỉ tiêu"``).

    >>> quotas = ["noi-vu-urban", "tai-chinh"]
    >>> parsed = parse_codes(
    ...     pl.Series(["Tai-Chinh; noi-vu-urban", "tai-chinhh"]),
    ...     allowed=quotas,
    ...     what="quota",
    ...     language="en",
    ... )
    >>> parsed.values[0].to_list()
    ['tai-chinh', 'noi-vu-urban']
    >>> parsed.errors[1]
    "'tai-chinhh' is not a known quota; expected one of: noi-vu-urban, tai-chinh \
— did you mean 'tai-chinh'?"
    """
    codes = _CodeList.build(allowed)
    return _bounded_items(
        s, separator, max_items, language,
        partial(_parse_codes, separator=separator, codes=codes, what=what, language=language),
    )


def _parse_codes(
    cells: pl.Series, *, separator: str, codes: _CodeList, what: str, language: str
) -> ParsedColumn:
    items = (
        _split_items(cells, separator)
        .with_columns(codes.canonical(pl.col(_ITEM)).alias("code"))
        .collect()
    )
    items = items.with_columns(
        _unknown_codes(items, codes, what=what, language=language).alias("unknown")
    )
    example = separator.join(codes.example())
    item_error = (
        pl.when(pl.col(_ITEM).is_null())
        .then(None)
        .when(pl.col(_ITEM) == "")
        .then(
            _empty_item_error(
                say("intake.items_codes", language, what=what), separator, example, language
            )
        )
        .when(pl.col("code").is_null())
        .then(pl.col("unknown"))
        .when(pl.struct(_ROW, "code").is_first_distinct().not_())
        .then(
            say_expr(
                "intake.code_repeated", language, cell=pl.col(_TEXT), code=pl.col("code"),
                what=what,
            )
        )
        .cast(pl.String)
    )
    return _result(cells, _join_items(items.lazy(), pl.col("code"), item_error, empty=None))


@dataclass(frozen=True)
class _CodeList:
    """Allowed codes by their lowercase spelling; ``None`` accepts any code as written."""

    by_lowercase: Mapping[str, str] | None

    @classmethod
    def build(cls, allowed: Collection[str] | None) -> _CodeList:
        if allowed is None:
            return cls(None)
        if isinstance(allowed, str):
            msg = "allowed must be a collection of codes, not one string"
            raise TypeError(msg)
        codes = sorted(allowed)
        # Lowercase with polars, as the cells will be, so that both sides agree exactly.
        lowered = pl.Series(codes, dtype=pl.String).str.to_lowercase().to_list()
        by_lowercase: dict[str, str] = {}
        for code, lower in zip(codes, lowered, strict=True):
            if lower in by_lowercase and by_lowercase[lower] != code:
                msg = f"allowed codes {by_lowercase[lower]!r} and {code!r} differ only in case"
                raise ValueError(msg)
            by_lowercase[lower] = code
        return cls(by_lowercase)

    def canonical(self, item: pl.Expr) -> pl.Expr:
        """The allowed spelling of ``item``; null for an unknown or empty item."""
        if self.by_lowercase is None:
            return pl.when(item != "").then(item)
        return item.str.to_lowercase().replace_strict(
            self.by_lowercase, default=None, return_dtype=pl.String
        )

    def codes(self) -> list[str]:
        return [] if self.by_lowercase is None else sorted(set(self.by_lowercase.values()))

    def example(self) -> list[str]:
        return self.codes()[:2] or ["code-1", "code-2"]

    def suggest(self, text: str) -> str | None:
        if self.by_lowercase is None:
            return None
        return suggest(text, sorted(set(self.by_lowercase.values())), key=str.lower)


def _unknown_codes(
    items: pl.DataFrame, codes: _CodeList, *, what: str, language: str
) -> pl.Series:
    """The message for each unknown item, null for the others (only with an allowed list)."""
    if codes.by_lowercase is None:
        return pl.Series([None] * len(items), dtype=pl.String)
    is_unknown = items["code"].is_null() & (items[_ITEM] != "")
    unknown = items[_ITEM].zip_with(is_unknown, pl.Series([None], dtype=pl.String))
    expected = say("intake.one_of", language, codes=_listing(codes.codes(), language))
    return _unknown_messages(
        unknown,
        codes.suggest,
        is_not=say("intake.known_thing", language, what=what),
        expected=expected,
        language=language,
    )


# --------------------------------------------------------------------------- vocabulary


class WordMatcher:
    """Canonical codes and the spellings that stand for them, compared by match key.

    A cell stands for a code when its :func:`~eligibility.text.match_key` equals the key of
    the code itself or of one of its synonyms. Build it once with :meth:`from_mapping`.

    >>> gender = WordMatcher.from_mapping({"female": ["Nữ", "F"], "male": ["Nam", "M"]})
    >>> gender.lookup("  NỮ "), gender.lookup("nu"), gender.lookup("x")
    ('female', 'female', None)
    >>> gender.suggest("Nuu")
    'female'
    """

    __slots__ = ("_code_by_key", "_codes", "_descriptions", "_spelling_by_key", "_synonyms")

    def __init__(
        self,
        codes: Sequence[str],
        synonyms: Mapping[str, Sequence[str]],
        code_by_key: Mapping[str, str],
        spelling_by_key: Mapping[str, str] | None = None,
    ) -> None:
        self._codes = tuple(codes)
        self._synonyms = {code: tuple(synonyms.get(code, ())) for code in self._codes}
        self._code_by_key = dict(code_by_key)
        self._spelling_by_key = dict(spelling_by_key or code_by_key)
        self._descriptions: dict[str, str] = {}  # by language: every part's messages quote it

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Sequence[str]]) -> WordMatcher:
        """Build from ``{code: [synonym, ...]}``.

        Raises ``ValueError`` when two codes would share a key (a cell could not tell them
        apart), a code or synonym is blank or there is no code at all, and ``TypeError`` when
        the synonyms are one string instead of a list.
        """
        if not mapping:
            msg = "a vocabulary needs at least one code"
            raise ValueError(msg)
        code_by_key: dict[str, str] = {}
        spelled_as: dict[str, str] = {}
        for code, synonyms in mapping.items():
            if isinstance(synonyms, str):
                msg = f"synonyms of {code!r} must be a list of words, not the string {synonyms!r}"
                raise TypeError(msg)
            for word in (code, *synonyms):
                key = match_key(word)
                if not key:
                    msg = f"{code!r} has a blank spelling {word!r}"
                    raise ValueError(msg)
                other = code_by_key.setdefault(key, code)
                if other != code:
                    msg = (
                        f"{spelled_as[key]!r} ({other}) and {word!r} ({code}) have the same "
                        f"match key {key!r}; a cell could not tell them apart"
                    )
                    raise ValueError(msg)
                spelled_as.setdefault(key, word)
        return cls(tuple(mapping), mapping, code_by_key, spelled_as)

    @property
    def codes(self) -> tuple[str, ...]:
        """The canonical codes, in the order given."""
        return self._codes

    @property
    def keys(self) -> Mapping[str, str]:
        """Every accepted match key and the code it stands for."""
        return dict(self._code_by_key)

    def lookup(self, text: str) -> str | None:
        """The code that ``text`` stands for, or ``None``."""
        return self._code_by_key.get(match_key(text))

    def suggest(self, text: str) -> str | None:
        """The code whose spelling is closest to ``text`` (difflib on keys), or ``None``."""
        close = suggest(text, list(self._spelling_by_key.values()), key=match_key)
        return None if close is None else self._code_by_key[match_key(close)]

    def suggest_spelling(self, text: str) -> str | None:
        """Like :meth:`suggest`, but showing the spelling that is closest and its code.

        >>> WordMatcher.from_mapping({"female": ["Nữ"], "male": ["Nam"]}).suggest_spelling("Nux")
        'Nữ (female)'
        """
        spelling = suggest(text, list(self._spelling_by_key.values()), key=match_key)
        if spelling is None:
            return None
        code = self._code_by_key[match_key(spelling)]
        return code if match_key(spelling) == match_key(code) else f"{spelling} ({code})"

    def describe(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The codes and a few other spellings: ``female, male (also Nữ, Nam, F, M, ...)``."""
        if language not in self._descriptions:
            self._descriptions[language] = self._described(language)
        return self._descriptions[language]

    def _described(self, language: str) -> str:
        others = self._other_spellings()
        codes = _listing(self._codes, language)
        if not others:
            return codes
        shown = ", ".join(others[:_MAX_LISTED_SYNONYMS])
        more = ", ..." if len(others) > _MAX_LISTED_SYNONYMS else ""
        return say("intake.also_spelled", language, codes=codes, others=f"{shown}{more}")

    def _other_spellings(self) -> list[str]:
        """Synonyms that look different from their code, taking each code's first, then second..."""
        spellings = [
            [word for word in self._synonyms[code] if match_key(word) != match_key(code)]
            for code in self._codes
        ]
        longest = max((len(words) for words in spellings), default=0)
        return [words[i] for i in range(longest) for words in spellings if i < len(words)]

    def __repr__(self) -> str:
        return f"WordMatcher({dict(self._synonyms)!r})"


def parse_vocabulary(
    s: pl.Series,
    vocabulary: WordMatcher | Mapping[str, Sequence[str]],
    *,
    what: str,
    language: str = DEFAULT_LANGUAGE,
) -> ParsedColumn:
    """Read each cell as one word of ``vocabulary``; values are the canonical codes.

    Case, surrounding and repeated spaces, Unicode form and diacritics are ignored. ``what``
    names the field in messages, in ``language`` (e.g. ``"gender"``, ``"giới tính"``).

    >>> gender = {"female": ["Nữ", "F"], "male": ["Nam", "M"]}
    >>> parsed = parse_vocabulary(
    ...     pl.Series(["NỮ", " nam ", "Nuu"]), gender, what="gender", language="en"
    ... )
    >>> parsed.values.to_list()
    ['female', 'male', None]
    >>> parsed.errors[2]
    "'Nuu' is not a known gender; expected one of: female, male (also Nữ, Nam, F, M) \
— did you mean 'Nữ (female)'?"
    >>> parse_vocabulary(pl.Series(["Nuu"]), gender, what="giới tính").errors[0]
    "'Nuu' không phải là giới tính hợp lệ; cần một trong: female, male (hoặc Nữ, Nam, F, M) \
— có phải là 'Nữ (female)'?"
    """
    vocab = (
        vocabulary if isinstance(vocabulary, WordMatcher) else WordMatcher.from_mapping(vocabulary)
    )
    expected = say("intake.one_of", language, codes=vocab.describe(language))
    is_not = say("intake.known_thing", language, what=what)
    return _parse_words(_cells(s), vocab, is_not=is_not, expected=expected, language=language)


def _parse_words(
    cells: pl.Series, vocabulary: WordMatcher, *, is_not: str, expected: str, language: str
) -> ParsedColumn:
    return _per_distinct(
        cells,
        lambda column: _look_up_words(
            column, vocabulary, is_not=is_not, expected=expected, language=language
        ),
    )


def _look_up_words(
    cells: pl.Series, vocabulary: WordMatcher, *, is_not: str, expected: str, language: str
) -> ParsedColumn:
    text = _text_frame(cells).collect().to_series()
    codes = match_key_series(text).replace_strict(
        vocabulary.keys, default=None, return_dtype=pl.String
    )
    unknown = text.zip_with(codes.is_null(), pl.Series([None], dtype=pl.String))
    errors = _unknown_messages(
        unknown, vocabulary.suggest_spelling, is_not=is_not, expected=expected, language=language
    )
    return ParsedColumn(values=codes.alias(cells.name), errors=errors.alias(cells.name))


# --------------------------------------------------------------------------- booleans

YES_WORDS: Final = ("true", "yes", "1", "có", "y")  # every spelling of yes, simplest first
NO_WORDS: Final = ("false", "no", "0", "không", "n")
_YES_NO: Final = WordMatcher.from_mapping(
    {"yes": [word for word in YES_WORDS if word != "yes"],
     "no": [word for word in NO_WORDS if word != "no"]})


def parse_booleans(
    s: pl.Series, *, default: bool | None = False, language: str = DEFAULT_LANGUAGE
) -> ParsedColumn:
    """Read ``yes/no``, ``true/false``, ``1/0``, ``có/không`` or ``y/n``; blank is ``default``.

    Compared like vocabulary words: ``CÓ``, ``co`` and ``Có`` are all yes.

    >>> parse_booleans(pl.Series(["Có", "KHÔNG", "1", "", None])).values.to_list()
    [True, False, True, False, False]
    >>> parse_booleans(pl.Series(["maybe"]), language="en").errors[0]
    "'maybe' is not a yes/no value; expected yes/no, true/false, 1/0, có/không or y/n"
    """
    cells = _cells(s)
    words = _parse_words(
        cells,
        _YES_NO,
        is_not=say("intake.yes_no_value", language),
        expected=say("intake.yes_no_expected", language),
        language=language,
    )
    truth = words.values.replace_strict(
        {"yes": True, "no": False}, default=None, return_dtype=pl.Boolean
    )
    blank = truth.is_null() & words.errors.is_null()
    values = truth.zip_with(~blank, pl.repeat(default, len(truth), dtype=pl.Boolean, eager=True))
    return ParsedColumn(values=values.alias(cells.name), errors=words.errors)
