"""Record serialization: the fast JSON path gives exactly json's bytes."""

from __future__ import annotations

import json

from abr.sample import dumps, json_string
from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab "\\\n\r\t\x00\x08\x0b\x0c\x1f\x7fé\u2028日😀<'))))
def test_json_string_is_json(text: str) -> None:
    assert json_string(text) == json.dumps(text, ensure_ascii=False)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab "\\\n\t\x01é'))), st.text(max_size=5))
def test_dumps_splices_the_prompt_exactly(prompt: str, system: str) -> None:
    record = {"id": "x", "prompt": prompt, "messages": [{"role": "system", "content": system},
                                                        {"role": "user", "content": prompt}], "n": 1.5}
    assert dumps(record) == json.dumps(record, ensure_ascii=False, separators=(",", ":"))
