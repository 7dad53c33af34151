"""Evaluation: scoring models on abr datasets (``abr eval``, ``abr report``, ``abr correlate``).

``abr.components`` is imported first on purpose: its ``KINDS`` table names
:class:`abr.evaluation.backend.ModelBackend`, which subclasses ``abr.components.Component``; importing the
components module before the backend module keeps that cycle resolvable whichever is imported first.
"""

from __future__ import annotations

import abr.components  # noqa: F401  (import order, see above)
