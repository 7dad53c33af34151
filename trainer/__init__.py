"""The built-in GRPO trainer (``abr train grpo``) and the export to verl; needs the ``train`` extra.

Nothing here is imported by ``abr generate`` or ``abr list-skills``: torch, transformers and trl load
only when a training command runs.
"""
