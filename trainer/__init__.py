"""The built-in GRPO trainer (``abr train grpo``) lives here; it needs the ``train`` extra."""
