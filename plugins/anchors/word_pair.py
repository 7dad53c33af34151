"""``abr/word-pair``: memorable word IDs joined by underscores, e.g. ``amber_falcon`` (two to four words).

Words come from a fixed lexicon of colours, materials and animals written for abr; underscores keep the
anchors apart from hyphenated words in ordinary prose. Near-duplicates change single letters
(``amber_falcon`` → ``amber_fawcon``), so they stay in the same shape.
"""

from __future__ import annotations

import string

from abr.plugins.anchors.base import Lengths, SizedStyle, draw, substitute
from abr.rng import Rng


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "amber azure bronze cobalt copper coral crimson golden granite hazel indigo ivory jade lilac marble maroon "
    "olive onyx pearl quartz russet saffron scarlet silver slate teal topaz umber velvet violet walnut "
    "ashen brisk calm dusky eager fabled gentle hollow humble lunar mellow misty nimble noble placid polar "
    "quiet rapid rustic shady silent solar stormy sunny swift tidal timber tranquil vivid windy wintry woven "
    "arctic balmy breezy cosmic dappled dewy distant dreamy frosty glassy hidden icy jolly lucky mossy"
)
SECOND = _words(
    "badger beaver bison condor cougar coyote crane falcon ferret finch gazelle gecko heron ibis jackal "
    "kestrel koala lemur lynx magpie marmot marten mole newt ocelot osprey otter owl panda pelican "
    "penguin puffin quail raven robin salmon seal sparrow stork swan tapir thrush toucan trout turtle viper "
    "walrus weasel wombat wren yak zebra anchor beacon canyon cedar comet delta ember fjord glacier harbor "
    "island lagoon meadow mesa orchard prairie quarry reef ridge summit thicket tundra valley willow"
)
LETTERS = string.ascii_lowercase


class WordPair(SizedStyle):
    name = "word-pair"
    version = 1
    description = "Word IDs joined by underscores, e.g. amber_falcon; 2 words, set with word-pair:N (2-4)"
    pattern = r"\b[a-z]{3,}(?:_[a-z]{3,}){1,3}\b"
    limits = (("words", (2, 4)),)

    def __init__(self, words: Lengths = (2, 2)) -> None:
        self.words = words

    def make(self, rng: Rng) -> str:
        n = draw(rng.child("words"), self.words)
        parts = [rng.choice(FIRST) for _ in range(n - 1)] + [rng.choice(SECOND)]
        return "_".join(parts)

    def mutate(self, anchor: str, rng: Rng) -> str:
        return substitute(anchor, rng, lambda a, i: "" if a[i] == "_" else LETTERS)
