"""The one QUndoCommand: it adapts any core command to Qt's undo stack."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand, QUndoStack

from briefer.core.service import ProjectService

if TYPE_CHECKING:
    from briefer.core.commands import Command

_MERGE_IDS: dict[tuple[object, ...], int] = {}


def _merge_id(key: tuple[object, ...]) -> int:
    # Qt merges commands with equal ids; one id per kind of merge key.
    kind = key[:1] + key[2:]
    return _MERGE_IDS.setdefault(kind, 1000 + len(_MERGE_IDS))


class CoreUndoCommand(QUndoCommand):
    """Runs a core command's do/undo against the service."""

    def __init__(self, service: ProjectService, command: Command, *, already_done: bool = False) -> None:
        super().__init__(command.label)
        self.service = service
        self.command = command
        # QUndoStack.push() calls redo() at once; a command that was already run
        # (to surface its errors before it reaches the stack) skips that first call.
        self._skip_next_redo = already_done

    def redo(self) -> None:
        if self._skip_next_redo:
            self._skip_next_redo = False
            return
        self.command.do(self.service)

    def undo(self) -> None:
        self.command.undo(self.service)

    def id(self) -> int:
        key = getattr(self.command, "merge_key", None)
        return _merge_id(key) if key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if not isinstance(other, CoreUndoCommand):
            return False
        merge = getattr(self.command, "merge", None)
        return bool(merge and merge(other.command))


def push(stack: QUndoStack, service: ProjectService, command: Command) -> None:
    """Run ``command`` and put it on the undo stack.

    The command runs first, outside Qt's virtual call, so a ``BrieferError``
    reaches the caller (to show it) and a failed command never enters the stack.
    """
    command.do(service)
    stack.push(CoreUndoCommand(service, command, already_done=True))
