"""Database triggers that make stored forecasts final, whoever writes (the SQL is the append-only kit's,
`swingfund.appendonly`). Installed by migration `0002_stored_forecast_triggers`; on SQLite a migration that rebuilds
`targeting_storedforecast` must install them again. The whole-database flush may empty the table (`maintenance()`)."""

from __future__ import annotations

from swingfund import appendonly

TABLE = "targeting_storedforecast"
MESSAGE = "swingfund: a stored forecast is final ({table}: {action} refused)"
POSTGRES_FUNCTION = "targeting_refuse_forecast_change"


def statements(vendor: str, *, create: bool) -> list[str]:
    kit = appendonly
    if vendor == "sqlite":
        return kit.sqlite_create(TABLE, message=MESSAGE, flush_may_delete=True) if create else kit.sqlite_drop(TABLE)
    if vendor == "postgresql":
        if not create:
            return kit.postgres_drop(TABLE)
        return [kit.postgres_function(POSTGRES_FUNCTION, message=MESSAGE),
                *kit.postgres_create(TABLE, function=POSTGRES_FUNCTION)]
    return []
