"""What a reader sees of a piece of text: normalised, visible, YAML with lines."""
