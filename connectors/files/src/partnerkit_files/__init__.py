"""partnerkit connector for the files partners and platforms hand over.

Reads CSV/TSV, Excel (.xlsx) and Parquet exports (a LinkedIn Campaign Manager
report, a Zapier log of leads, an agency's hand-kept spreadsheet) and maps their
columns into partnerkit's unified records: ``performance``, ``leads``, ``deals``
and ``campaigns`` streams. Numbers and dates are parsed per file's locale
(``1.234,56``, ``31/10/2026``); emails and phones are hashed; a malformed row is
reported with its file, row and column and the rest are kept.

Installed as the ``files`` connector (entry point ``partnerkit.connectors``)::

    from partnerkit import get_connector

    Files = get_connector("files")
    with Files({"base_dir": "data", "files": [...]}) as files:
        table = files.stream(stream="performance", start="2026-10-01").to_arrow()
"""

from partnerkit_files._connector import FilesConnector
from partnerkit_files._settings import ExtraColumn, FileSource, FilesSettings

__all__ = ["ExtraColumn", "FileSource", "FilesConnector", "FilesSettings"]
