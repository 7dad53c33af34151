"""The single-question banks abr ships (the multi-part banks live in :mod:`abr.plugins.questions.multipart`)."""

from __future__ import annotations

from abr.components import QuestionBank


def banks() -> list[QuestionBank]:
    from abr.plugins.questions.arithmetic import Arithmetic
    from abr.plugins.questions.calendar import Calendar
    from abr.plugins.questions.choice import MultipleChoice
    from abr.plugins.questions.decimals import DecimalArithmetic
    from abr.plugins.questions.jsonl_bank import JsonlBank
    from abr.plugins.questions.linear import Linear
    from abr.plugins.questions.logic import Logic
    from abr.plugins.questions.multistep import MultiStep
    from abr.plugins.questions.sequences import Sequences
    from abr.plugins.questions.units import Units
    from abr.plugins.questions.word_problems import WordProblems

    return [Arithmetic(), DecimalArithmetic(), MultiStep(), Linear(), Sequences(), Calendar(), Units(),
            WordProblems(), MultipleChoice(), Logic(), JsonlBank()]
