"""One ``with`` protocol for the objects that hold something until :meth:`close`."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Closing:
    """``with obj:`` gives ``obj`` and closes it at the end, however the block ends.

    A base for classes with a ``close()`` (connectors, datasets, the analysis engine):
    they inherit ``__enter__`` and ``__exit__`` instead of writing them again.
    """

    def close(self) -> None:
        """Release what the object holds; subclasses say what that is."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
