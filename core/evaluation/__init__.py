"""Evaluation: scoring models on abr datasets (``abr eval``, ``abr report``, ``abr correlate``)."""
