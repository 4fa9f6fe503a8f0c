"""Console logging for the command line (and for the app, if it wants the same): our own INFO lines (reports loaded,
index built), and from libraries only warnings and errors. bm25s sets its logger to DEBUG ("Building index from
tokens") and httpx logs every HTTP request at INFO, so a root handler at INFO alone would still print both.

Not for choosing what to log: each module keeps its own `logging.getLogger("assistant.…")`.
"""

from __future__ import annotations

import logging
import sys

OWN_LOGGERS = ("assistant", "app")  # first part of the logger names whose INFO lines are ours
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class OwnInfoOnly(logging.Filter):
    """Below WARNING, only records of our own loggers pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name.split(".")[0] in OWN_LOGGERS


def setup_logging(level: int = logging.INFO, stream=None) -> logging.Handler:
    """One handler on the root logger, to stderr, at `level` (INFO: our INFO lines; WARNING: quiet), replacing any
    handler set before; no library line below WARNING, whatever level the library gave its own logger."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setLevel(level)  # a library logger set to DEBUG (bm25s) still creates its records: they stop here
    handler.addFilter(OwnInfoOnly())
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
