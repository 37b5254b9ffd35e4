"""Analysis: the unified records laid on the engagement model.

Analyses read a :class:`Dataset` (Arrow tables by record kind, queried with DuckDB)
and return typed :class:`Result` objects with DataFrame views.
"""

from partnerkit.analysis._data import Dataset, Result

__all__ = ["Dataset", "Result"]
