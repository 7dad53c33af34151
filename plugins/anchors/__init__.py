"""Built-in anchor styles."""

from __future__ import annotations

from abr.components import Component


def components() -> list[Component]:
    """Every built-in component of this kind, in registration order."""
    from abr.plugins.anchors.bracketed_id import BracketedId
    from abr.plugins.anchors.hex_key import HexKey
    from abr.plugins.anchors.mixed_id import MixedId
    from abr.plugins.anchors.random_id import RandomId
    from abr.plugins.anchors.timestamp_id import TimestampId
    from abr.plugins.anchors.uuid_id import Uuid
    from abr.plugins.anchors.word_pair import WordPair

    return [RandomId(), TimestampId(), BracketedId(), Uuid(), HexKey(), WordPair(), MixedId()]
