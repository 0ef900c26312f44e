"""What every command shares: the typer app, the consoles, exit codes and error handling.

Exit status: 0 the command completed (a ranking run with rejected rows included);
1 an unexpected internal error; 2 a rulebook that cannot be used, a nominee file that
cannot be read, or a wrong command line; 3 the engine asked for is not installed here.

Everything printed goes through :func:`say` (or a table built with :func:`cell`), and every
message is built by :func:`message`: text from files, rulebooks and the command line is
shown as it is — never read as rich markup, highlighted or turned into emoji — with control
characters, line breaks inside values and invisible formatting characters made visible
(:func:`visible`), so no input can hide text, draw on the terminal or pass itself off as the
tool's own words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from eligibility.errors import EligibilityError, EngineUnavailableError, RulebookError
from eligibility.i18n import DEFAULT_LANGUAGE, Language, t

EXIT_OK, EXIT_INTERNAL, EXIT_INVALID, EXIT_ENGINE = 0, 1, 2, 3

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Decide, explain and rank who may be sent to a training programme.")


def stdout_console() -> Console:
    """A console on standard output, made now: its width is the terminal's (or ``COLUMNS``)
    at this call, so a command run in process prints at the width it is given then."""
    return _console(stderr=False)


def stderr_console() -> Console:
    """:func:`stdout_console`'s counterpart on standard error."""
    return _console(stderr=True)


def _console(*, stderr: bool) -> Console:
    return Console(stderr=stderr, soft_wrap=True, markup=False, highlight=False, emoji=False)

Engine = Literal["vectorized", "scalar", "durable", "sql"]
RulesOption = Annotated[Path, typer.Option("--rules", "-r", help="The rulebook (YAML).")]
LangOption = Annotated[Language, typer.Option(
    "--lang", help="Language of everything printed: vi (default) or en.")]
EngineOption = Annotated[Engine, typer.Option(
    "--engine", help="vectorized, scalar, durable or sql (the rules run as SQL in a database).")]
IncludePathOption = Annotated[list[Path] | None, typer.Option(
    "--include-path", "-I", help="A folder where files named under include: are also looked "
                                 "for (repeatable); includes never leave the rulebook's folder "
                                 "and these.")]

# C0 and C1 controls, DEL, soft hyphen, bidirectional and zero-width controls, line and
# paragraph separators, interlinear annotation and tag characters, lone surrogates: what
# Unicode classes Cc, Cf, Zl, Zp and Cs hold, written out so no table is built at start-up.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f]")
_INVISIBLE_OR_NEWLINE_KEPT = re.compile(_INVISIBLE.pattern.replace("\x00-\x1f",
                                                                   "\x00-\x09\x0b-\x1f"))


def visible(value: object, *, multiline: bool = False) -> str:
    r"""``value`` as text that shows on a terminal exactly what it holds.

    Control characters (escape sequences included), invisible formatting characters and
    lone surrogates are written as Python escapes; with ``multiline`` a line break is kept.

    >>> visible("A [/x] B \x1b[31m red\u200b")
    'A [/x] B \\x1b[31m red\\u200b'
    >>> visible("one\ntwo", multiline=True)
    'one\ntwo'
    """
    text = value if isinstance(value, str) else str(value)
    pattern = _INVISIBLE_OR_NEWLINE_KEPT if multiline else _INVISIBLE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def json_text(value: Any) -> str:
    r"""``value`` as indented JSON for a terminal: letters of every language kept, what
    :func:`visible` would escape written as JSON escapes (so it decodes to the same text).

    >>> json_text({"name": "Lan\u202e"})
    '{\n  "name": "Lan\\u202e"\n}'
    """
    text = json.dumps(value, ensure_ascii=False, default=str, indent=2)
    return _INVISIBLE_OR_NEWLINE_KEPT.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    return "".join(f"\\u{unit:04x}" for unit in _utf16_units(match.group()))


def _utf16_units(char: str) -> list[int]:
    data = char.encode("utf-16-be", "surrogatepass")
    return [int.from_bytes(data[index:index + 2], "big") for index in range(0, len(data), 2)]


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def message(key: str, language: str, /, **values: object) -> str:
    """The catalogue message ``key`` in ``language``, each text value made visible on one
    line first (so a value cannot add a line that looks like the tool's own)."""
    return t(key, language, **{name: visible(value) if isinstance(value, (str, Path)) else value
                               for name, value in values.items()})


Part = str | tuple[str, str]  # text, or (text, rich style name)


def say(*parts: Part, console: Console | None = None) -> None:
    """Print one message made of ``parts`` on stdout (or ``console``), each made visible.

    A part is text, or a ``(text, style)`` pair such as ``("HN-1", "bold")``.
    """
    line = Text()
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        line.append(visible(text, multiline=True), style=style)
    (console or stdout_console()).print(line)


def warn(*parts: Part) -> None:
    """:func:`say` on stderr."""
    say(*parts, console=stderr_console())


def cell(value: object, style: str = "") -> Text:
    """A table cell showing ``value`` exactly, on one line (see :func:`visible`)."""
    return Text("" if value is None else visible(value), style=style)


@contextmanager
def progress_display() -> Iterator[Progress]:
    """A spinner with the current step on stderr, shown only on a terminal.

    Descriptions are plain text (never markup); pass them through :func:`visible`.
    """
    console = stderr_console()
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False),
                        TimeElapsedColumn(), console=console, transient=True,
                        disable=not console.is_terminal)
    with progress:
        yield progress


@contextmanager
def errors_exit(language: str = DEFAULT_LANGUAGE) -> Iterator[None]:
    """Turn the library's errors into a message on stderr and the documented exit status."""
    try:
        yield
    except RulebookError as error:
        warn(error.render(language))
        raise typer.Exit(EXIT_INVALID) from None
    except EngineUnavailableError:
        warn(message("cli.error", language, message=t("cli.durable_unavailable", language)))
        raise typer.Exit(EXIT_ENGINE) from None
    except EligibilityError as error:
        warn(message("cli.error", language, message=str(error)))
        raise typer.Exit(EXIT_INVALID) from None
    except OSError as error:
        warn(message("cli.error", language, message=os_error_text(error, language)))
        raise typer.Exit(EXIT_INVALID) from None


_OS_ERROR_KEYS: tuple[tuple[type[OSError], str], ...] = (
    (FileNotFoundError, "cli.os_not_found"),
    (FileExistsError, "cli.os_exists"),
    (IsADirectoryError, "cli.os_is_folder"),
    (NotADirectoryError, "cli.os_not_folder"),
    (PermissionError, "cli.os_permission"),
)


def os_error_text(error: OSError, language: str) -> str:
    """What went wrong with a file, in ``language``, naming the file."""
    path = error.filename if error.filename is not None else ""
    for kind, key in _OS_ERROR_KEYS:
        if isinstance(error, kind):
            return message(key, language, path=path)
    return message("cli.os_other", language, path=path, detail=error.strerror or str(error))
