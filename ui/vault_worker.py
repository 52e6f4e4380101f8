"""Slow vault calls (Argon2id, opening SQLCipher, the daily backup) run on a worker thread, not the UI thread.

Threading contract, as Anki's ``CollectionOp``: ``VaultCall(call).start()`` runs ``call()`` on its own
``QThread``. ``call`` is given plain values and the session only, never a widget. When it has returned,
``succeeded(result)`` or ``failed(exception)`` is emitted exactly once, on the UI thread: the thread's
``finished`` reaches this object, which lives on the UI thread, by a queued connection.

``abandon()`` says nobody wants the outcome any more (the window was closed): no signal is emitted and
``dispose(result)`` closes whatever the call opened, so no session is left signed in. When the
application quits, calls still running are abandoned and waited for: no thread outlives it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from app.errors import SignpostError
from ui.errors import report_bug

_unsettled: set[VaultCall] = set()  # keeps each call (and its QThread) alive until its outcome is handled
_quit_hooked = False


class _Thread(QThread):
    """Runs one call and keeps its outcome for the UI thread to collect."""

    def __init__(self, call: Callable[[], Any]) -> None:
        super().__init__()
        self.call: Callable[[], Any] | None = call
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        assert self.call is not None
        try:
            self.result = self.call()
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread, which shows it as today
            self.error = exc
        finally:
            self.call = None  # the arguments (a password) are not kept longer than needed


class VaultCall(QObject):
    """One slow vault call on a worker thread; its outcome comes back as a signal on the UI thread."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, call: Callable[[], Any], *, dispose: Callable[[Any], None] | None = None) -> None:
        super().__init__()
        self._thread = _Thread(call)
        self._dispose = dispose
        self._abandoned = False
        self._thread.finished.connect(self._settle, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        _hook_quit()
        _unsettled.add(self)
        self._thread.start()

    def abandon(self) -> None:
        """Nobody will take the outcome: close what the call opens instead of handing it over."""
        self._abandoned = True

    @Slot()
    def _settle(self) -> None:
        if self not in _unsettled:
            return  # settled already, when the application quit
        _unsettled.discard(self)
        self._thread.wait()  # ``finished`` is emitted just before the thread ends
        result, error = self._thread.result, self._thread.error
        self._thread.result = self._thread.error = None
        if self._abandoned:
            if error is None and self._dispose is not None:
                self._dispose(result)
            elif error is not None and not isinstance(error, SignpostError):
                report_bug(type(error), error, error.__traceback__)  # nobody waits for it, but a bug is still one
        elif error is not None:
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)


def unsettled_calls() -> int:
    """How many calls have not had their outcome handled yet (running, or finished with the signal queued)."""
    return len(_unsettled)


def _hook_quit() -> None:
    """Once per application: when it quits, abandon the calls still running and wait for them."""
    global _quit_hooked
    app = QCoreApplication.instance()
    if _quit_hooked or app is None:
        return
    _quit_hooked = True
    app.aboutToQuit.connect(_abandon_all)


def _abandon_all() -> None:
    for call in list(_unsettled):
        call.abandon()
        call._settle()
