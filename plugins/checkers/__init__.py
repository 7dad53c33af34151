"""Built-in checkers."""
