"""Gatekeeper: an authority contract and enforcement layer for pull requests."""

__version__ = "0.1.0"
