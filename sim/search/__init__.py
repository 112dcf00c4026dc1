"""``sim search``: the cheapest package of levers meeting targets with a stated probability.

Built on comparisons (targets) and sweeps (common random numbers, resumable tasks); see
:mod:`sim.search.searcher` for the procedure and ``docs/search.md`` for its grounds.
"""

from sim.search.definition import SearchOptions, SearchResult
from sim.search.levers import LeversFile, read_levers
from sim.search.searcher import search

__all__ = ["LeversFile", "SearchOptions", "SearchResult", "read_levers", "search"]
