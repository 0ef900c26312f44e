"""What every command shares: the typer app, the consoles, exit codes and error handling.

Exit status: 0 the command completed (a ranking run with rejected rows included);
1 an unexpected internal error; 2 a rulebook that cannot be used, a nominee file that
cannot be read, or a wrong command line; 3 the engine asked for is not installed here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from eligibility.errors import EligibilityError, EngineUnavailableError, InputError, RulebookError
from eligibility.i18n import Language

EXIT_OK, EXIT_INTERNAL, EXIT_INVALID, EXIT_ENGINE = 0, 1, 2, 3

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Decide, explain and rank who may be sent to a training programme.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

Engine = Literal["vectorized", "scalar", "durable"]
RulesOption = Annotated[Path, typer.Option("--rules", "-r", help="The rulebook (YAML).")]
LangOption = Annotated[Language, typer.Option("--lang", help="Language of messages: vi or en.")]
EngineOption = Annotated[Engine, typer.Option("--engine", help="vectorized, scalar or durable.")]
IncludePathOption = Annotated[list[Path] | None, typer.Option(
    "--include-path", "-I", help="A folder where files named under include: are also looked "
                                 "for (repeatable); includes never leave the rulebook's folder "
                                 "and these.")]


@contextmanager
def progress_display() -> Iterator[Progress]:
    """A spinner with the current step on stderr, shown only on a terminal."""
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=err, transient=True, disable=not err.is_terminal)
    with progress:
        yield progress


@contextmanager
def errors_exit() -> Iterator[None]:
    """Turn the library's errors into a message on stderr and the documented exit status."""
    try:
        yield
    except RulebookError as error:
        err.print(error.render(), markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None
    except InputError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None
    except EngineUnavailableError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(EXIT_ENGINE) from None
    except EligibilityError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None
    except OSError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None
