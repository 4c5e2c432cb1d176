"""Who may approve, and whether they did: evidence, provenance, judgement."""
