"""Error taxonomy: faults a user can act on carry a plain, translatable message.

Anything that is not a ``SignpostError`` is a bug and is reported as one.
"""

from __future__ import annotations


class SignpostError(Exception):
    """An expected fault with a message fit to show a user (already translated where possible)."""

    exit_code = 1


def sentence(error: BaseException) -> str:
    """The error's message as a sentence for a dialog or label: first letter capitalised, full stop at the end.

    Messages start in lower case so the CLI can print ``signpost COMMAND: message``.
    """
    text = str(error).strip()
    if text and text[-1] not in ".!?:…":
        text += "."
    return text[:1].upper() + text[1:]


class UsageError(SignpostError):
    """Bad input from the command line or a file the user supplied."""

    exit_code = 2


class InstrumentPackError(SignpostError):
    """An instrument pack file is malformed: the message names the file and the field."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        self.source = source
        self.field = field
        self.problem = problem
        super().__init__(f"{source}: {field}: {problem}")


class AnswerError(UsageError):
    """Answers that do not fit the instrument (unknown item, skipped gate, bad value)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("the answers do not fit the instrument:\n" + "\n".join(f"  - {p}" for p in problems))


class ConfigError(SignpostError):
    """The machine-wide configuration file is unreadable or holds an invalid value."""
