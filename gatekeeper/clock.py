"""The one wall-clock reading a decision records as `evaluated_at`."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> str:
    """Now, as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
