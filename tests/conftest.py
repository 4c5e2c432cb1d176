"""Shared test support lives in tests/support; loaded here for every test package."""

pytest_plugins = ["tests.support.fixtures"]
