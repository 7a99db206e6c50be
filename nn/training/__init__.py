"""A training session and its configuration: the one writer of its own state."""
