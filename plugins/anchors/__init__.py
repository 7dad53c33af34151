"""Built-in anchors."""
