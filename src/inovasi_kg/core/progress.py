"""A progress line with rate and ETA on a terminal; silent when standard error is not a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """`update(done, total)` redraws one line at most ten times a second; `close()` ends it.

    >>> import io
    >>> p = Progress("bangun", "tripel", stream=io.StringIO())  # not a terminal: prints nothing
    >>> p.update(10, 100); p.close(); p.stream.getvalue()
    ''
    """

    def __init__(self, label: str, unit: str, *, stream: TextIO | None = None) -> None:
        self.label, self.unit = label, unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def update(self, done: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and (total is None or done < total):
            return
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        rate = done / elapsed
        text = f"{self.label}: {done:,} {self.unit}"
        if total:
            text += f" / {total:,} ({100 * done / total:.0f}%)"
        text += f", {rate:,.0f} {self.unit}/s"
        if total and rate > 0 and done < total:
            text += f", ETA {(total - done) / rate:,.0f} s"
        self.stream.write("\r\x1b[2K" + text)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False
