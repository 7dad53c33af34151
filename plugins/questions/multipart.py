"""Multi-part problems for the multi-source skill (one problem split into fragments across documents)."""

from __future__ import annotations

from abr.components import QuestionBank


def multipart_banks() -> list[QuestionBank]:
    return []
