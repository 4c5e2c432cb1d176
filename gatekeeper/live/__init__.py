"""A pull request as a forge shows it → one decision; merge groups; evidence reads."""
