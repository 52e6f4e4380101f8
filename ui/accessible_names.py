"""Screen-reader names for fields that a platform would otherwise name by their value."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel

_MNEMONIC = re.compile(r"&(.)")  # "&Identifier" reads "Identifier"; "&&" is a real "&"


def name_after_label(label: QLabel) -> None:
    """Give ``label``'s field (its buddy) the label's words as its screen-reader name.

    Windows names a field by its label; Linux names a combo box by the value chosen in it, so "Not known" or
    "A4" would be read with no word of what they answer.
    """
    field = label.buddy()
    if field is not None:
        field.setAccessibleName(_MNEMONIC.sub(r"\1", label.text()).rstrip(": "))
