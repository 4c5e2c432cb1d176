"""What a policy would have decided on past pull requests; its formats."""
