"""What every part of one script's writing shares: the phrasebook, the verbs, the style,
the cast, the reading of the plot and the script's own random stream."""

from __future__ import annotations

import random

from services.script.writers.rules.casting import Cast
from services.script.writers.rules.grammar import Verbs
from services.script.writers.rules.phrasebook import Phrasebook
from services.script.writers.rules.plot import PlotReading
from shared.styles import DirectorStyle

__all__ = ["DraftPart"]


class DraftPart:
    """Base of the writers of one script's parts (dialogue, descriptions)."""

    def __init__(
        self,
        book: Phrasebook,
        verbs: Verbs,
        style: DirectorStyle,
        cast: Cast,
        *,
        reading: PlotReading,
        rng: random.Random,
    ) -> None:
        self.book = book
        self.verbs = verbs
        self.style = style
        self.cast = cast
        self.reading = reading
        self.rng = rng
        self.names = cast.names()
