"""Built-in questions."""
