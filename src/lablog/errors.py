"""Errors a user can fix. The message says what went wrong and what to do next."""


class LablogError(Exception):
    exit_code = 1


class NotFound(LablogError):
    pass


class AlreadyExists(LablogError):
    pass


class InvalidTransition(LablogError):
    """The change is not allowed in the record's current state."""


class InvalidValue(LablogError):
    """A value is well-formed but not acceptable (an end before a start, say)."""


class StoreError(LablogError):
    """The store cannot be used as it is: wrong version, not a lablog store, locked."""


class Conflict(LablogError):
    """Someone else changed the same record at the same time; retrying is safe."""

    exit_code = 3
