"""The embedded store of daily reports: SQLite, one transaction per ingest, with history.

Importing this package imports :mod:`sqlite3`; ``import epireport`` does not import it.
"""

from epireport.store._ingest import ingest_batch, read_batch
from epireport.store._records import IngestResult, Revision
from epireport.store._sqlite import SCHEMA_VERSION, Store

__all__ = ["SCHEMA_VERSION", "IngestResult", "Revision", "Store", "ingest_batch", "read_batch"]
