"""The single-question banks abr ships (the multi-part banks live in :mod:`abr.plugins.questions.multipart`)."""

from __future__ import annotations

from abr.components import QuestionBank


def banks() -> list[QuestionBank]:
    from abr.plugins.questions.arithmetic import Arithmetic

    return [Arithmetic()]
