"""Work around PySide6 6.12 dropping references to None and True on CPython 3.11.

Measured here: each call of a Qt method that returns nothing takes one reference from ``None``
and each ``Signal.emit()`` one from ``True``, never given back. On CPython 3.11 those objects are
ordinary reference-counted objects, so after a few thousand calls (a few screenings) the count
reaches zero and the interpreter aborts ("none_dealloc: deallocating None"). CPython 3.12 made
them immortal, so there the lost references do no harm. This module gives them the same
immortality on 3.11 by raising their count far beyond reach. Remove it once the app requires
Python 3.12 or PySide6 is fixed (``tests/ui/test_main_window.py`` shows whether it is needed).
"""

from __future__ import annotations

import sys

# 2**40 lost references: at a million Qt calls a second, that is twelve days of constant use.
_HEADROOM = 1 << 40
_pinned = False


def needed() -> bool:
    """True on interpreters whose None/True/False are not immortal (CPython before 3.12, release build)."""
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12) and not hasattr(sys, "gettotalrefcount")


def pin_singletons() -> None:
    """Make None, True and False effectively immortal; once per process, and only where needed."""
    global _pinned
    if _pinned or not needed():
        return
    import ctypes

    for obj in (None, True, False):
        # In a CPython release build a PyObject starts with its Py_ssize_t reference count.
        ctypes.c_ssize_t.from_address(id(obj)).value += _HEADROOM
    _pinned = True
