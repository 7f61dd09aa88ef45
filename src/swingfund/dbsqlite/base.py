"""Django's SQLite backend, except that a database file that does not exist yet is created 0600 (readable by its owner
only) just before SQLite opens it; its -wal and -shm files take the same mode. Created on first connection, not
when the settings load, so a command that never touches the database (`swingfund --help`) leaves no file behind."""

from __future__ import annotations

import os
from typing import Any

from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper


class DatabaseWrapper(SQLiteDatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        name = str(conn_params.get("database") or "")
        if name and not self.is_in_memory_db() and not name.startswith("file:") and not os.path.exists(name):
            os.close(os.open(name, os.O_CREAT | os.O_WRONLY, 0o600))
        return super().get_new_connection(conn_params)
