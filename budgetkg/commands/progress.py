"""Progress bars of the long commands: tqdm's, or none when it would not show one."""

from __future__ import annotations

import sys
from typing import Any

import click

__all__ = ["NoBar", "progress_bar"]


class NoBar:
    """What the load uses of a tqdm bar, for when none is shown (stderr not a terminal)."""

    disable = True

    def __init__(self, **_: object) -> None:
        pass

    def __enter__(self) -> NoBar:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def write(self, s: str) -> None:
        click.echo(s, err=True)

    def close(self) -> None:
        pass


def progress_bar(*, disable: bool | None, **kwargs: object) -> Any:
    """A tqdm bar, or ``NoBar`` when tqdm would not show one anyway (``disable=None``
    hides it when stderr is not a terminal): scripts and pipes do not import tqdm."""
    if disable or (disable is None and not sys.stderr.isatty()):
        return NoBar()
    from tqdm import tqdm

    return tqdm(disable=disable, **kwargs)
