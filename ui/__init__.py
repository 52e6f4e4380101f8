"""Signpost's Qt user interface: thin widgets that collect input and show what ``app`` computes."""

from ui.refcount_guard import pin_singletons

# Before any Qt call: PySide6 6.12 loses references to None and True on Python 3.11 (see the module).
pin_singletons()
