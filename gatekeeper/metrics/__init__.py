"""What the gate did to past pull requests, computed from history records: pure analytics
and their exports. Fetching and caching the history is gatekeeper.history; deciding past
pull requests again is gatekeeper.replay.

``timeline``   when things happened to a pull request: ISO weeks, label intervals, reviews
``compute``    per pull request facts and weekly rows (the definitions, docs/metrics.md)
``breakdown``  the headline (week over week) and the split by change origin
``weekly``     a period's metrics: facts, weekly rows, totals, headline, splits
``savelog``    RED pull requests blocked, then fixed before merging
``export``     CSV, JSON (schemas/metrics.schema.json) and Markdown
"""
