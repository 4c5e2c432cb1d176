"""Files and git on this machine: bodies, changed-path lists, diffs, the local policy."""
