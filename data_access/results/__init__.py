"""The read model: derived results computed once per change of the store and kept in the database.

`refresh` computes them (after every import, delivery or netwerk edit, and with `python -m dashboard refresh`);
pages and the API read the stored rows (`store.read`), so every worker shows the same figures with nothing to
warm up. See README, "Leesmodel en verversen".
"""

from data_access.results.refresh import after_change, is_stale, refresh, refresh_in_background
from data_access.results.store import state, store_version

__all__ = ["after_change", "is_stale", "refresh", "refresh_in_background", "state", "store_version"]
