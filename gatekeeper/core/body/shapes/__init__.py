"""One module per shape a field's value takes in a body."""
