"""`gatekeeper metrics` and `gatekeeper replay`: what the gate did to past pull requests.

Layout (small modules, one job each):

``model``    typed pull request records, parsed from GitHub's GraphQL answers; JSON round trip
``queries``  every GraphQL document sent (tests validate each against GitHub's schema)
``history``  fetching: batched GraphQL through the GitHub adapter, incremental, resumable
``cache``    the embedded SQLite cache (pull requests, sync watermarks, walks in progress)
``compute``  pure: per-PR facts and the weekly metrics (definitions in docs/metrics.md)
``export``   CSV, JSON (schemas/metrics.schema.json) and Markdown
``replay``   two policies over saved or fetched pull requests, side by side
``run``      the commands' glue: options in, files out

Only ``history`` talks to GitHub, and only through ``gatekeeper.forge.github.client``.
"""
