"""Pull request history from the forge: GraphQL queries, typed records, incremental
fetching and the SQLite cache. Analytics over it live in gatekeeper.metrics."""
