"""The body as GitHub renders it → contract fields with their lines."""
