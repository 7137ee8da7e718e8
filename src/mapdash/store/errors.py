"""The store's errors: StoreError for a database that cannot be used; sqlite3's classes for failed statements.

Both backends raise sqlite3's exception classes (IntegrityError, OperationalError ...) for a statement that fails,
so callers catch one family whichever database they were given.
"""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database cannot be used as asked (newer schema, unreadable file, unreachable server)."""
