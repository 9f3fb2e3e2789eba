"""What the app holds while it runs: settings, the store, the query executor."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from .precheck import Limits
from budgetkg.settings import Settings
from budgetkg.store import Store

from .worker_pool import Executor

EXTENSION = "budgetkg"


@dataclass
class ServiceState:
    settings: Settings
    store: Store
    executor: Executor
    # Snapshots taken at start: writers are locked out while the service runs.
    graphs: list[str] = field(default_factory=list)
    version: str = "0"

    def current_version(self) -> str:
        """The data's version now: the snapshot, unless others may write (remote)."""
        return self.store.version() if self.store.shared else self.version

    def current_graphs(self) -> list[str]:
        return self.store.graphs() if self.store.shared else self.graphs

    @property
    def limits(self) -> Limits:
        return Limits(
            max_query_length=self.settings.max_query_length,
            max_nesting=self.settings.max_nesting,
            max_triple_patterns=self.settings.max_triple_patterns,
            max_operators=self.settings.max_operators,
        )

    def close(self) -> None:
        self.executor.close()
        self.store.close()


def get_state() -> ServiceState:
    return current_app.extensions[EXTENSION]
