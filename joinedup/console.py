"""The shared Rich consoles and progress bar used by every command."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

__all__ = ["out", "err", "progress"]

#: Results go to stdout (so `--json` output stays clean); progress and messages to stderr.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)


@contextmanager
def progress(*, transient: bool = True) -> Iterator[Progress]:
    """A progress bar on stderr, silent when stderr is not a terminal or under CI."""
    disable = not err.is_terminal or bool(os.environ.get("CI"))
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=err, transient=transient, disable=disable)
    with bar:
        yield bar
