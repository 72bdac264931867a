"""What the library needs of Robot Framework's internals, across the versions it supports
(``setup.cfg``: 7.0 and newer).

* ``LEVELS``: log level priorities, in ``robot.output.loglevel`` from 7.2 on and in
  ``robot.output.loggerhelper`` before.
* :data:`ROBOT_CONTROL`: the exceptions with which Robot stops a keyword (a test or keyword
  timeout, a stop by signal). Every keyword lets them through unchanged, so that the log
  says "Test timeout 1 second exceeded", not that a connection failed. Up to 7.4 a
  timeout is ``robot.errors.TimeoutError``, an ordinary ``Exception``; 7.5 raises
  ``TimeoutExceeded``, a ``BaseException``; a stop by signal is ``ExecutionFailed``.
"""

from __future__ import annotations

from robot import errors

try:
    from robot.output.loglevel import LEVELS
except ImportError:  # Robot Framework 7.0 and 7.1
    from robot.output.loggerhelper import LEVELS  # type: ignore[no-redef]

ROBOT_CONTROL: tuple[type[BaseException], ...] = tuple(
    exception
    for exception in (
        getattr(errors, "TimeoutError", None),
        getattr(errors, "TimeoutExceeded", None),
        errors.ExecutionStatus,
    )
    if isinstance(exception, type)
)

__all__ = ["LEVELS", "ROBOT_CONTROL"]
