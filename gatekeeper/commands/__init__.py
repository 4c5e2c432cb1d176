"""One module per command: each a `run(options, out) -> int`."""
