"""Built-in interference."""
