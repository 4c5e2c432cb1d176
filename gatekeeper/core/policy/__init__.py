"""The policy: loading, git's patterns, checking, classifying, explaining."""
