"""Adapters at the edges: files, git, the Actions runner environment, GitHub."""
