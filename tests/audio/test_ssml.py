"""Readings and SSML: a parenthetical changes the reading; the SSML Polly gets is
well-formed whatever the text holds, and says only what the neural engine accepts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.audio.delivery import NORMAL_VOLUME, delivery_for
from services.audio.ssml import to_ssml

#: Neural voices refuse these (Polly: "Supported SSML tags").
NEURAL_UNSUPPORTED = ("<emphasis", "amazon:effect", "pitch=", "<amazon:auto-breaths")


def spoken_text(ssml: str) -> str:
    return "".join(ET.fromstring(ssml).itertext())


class TestDelivery:
    @pytest.mark.parametrize(
        ("parenthetical", "rate", "loudness"),
        [
            (None, 1.0, None),
            ("whispering", 0.95, "soft"),
            ("under her breath", 0.95, "soft"),
            ("SHOUTING", 1.08, "loud"),
            ("slowly", 0.85, None),
            ("quickly, nervous", 1.15, None),
        ],
    )
    def test_parentheticals_change_rate_and_level(
        self, parenthetical: str | None, rate: float, loudness: str | None
    ) -> None:
        delivery = delivery_for(parenthetical, pace=1.0)
        assert delivery.rate == pytest.approx(rate)
        assert delivery.loudness == loudness
        if loudness == "soft":
            assert delivery.volume < NORMAL_VOLUME
        if loudness == "loud":
            assert delivery.volume > NORMAL_VOLUME

    def test_the_directors_pace_scales_every_reading(self) -> None:
        assert delivery_for("slowly", pace=1.2).rate == pytest.approx(0.85 * 1.2)


class TestSSML:
    def test_markup_characters_are_escaped(self) -> None:
        """Ampersands, angle brackets and quotes arrive as text, not markup."""
        text = 'Fish & chips <b>now</b> "please" it\'s 5 > 3'
        ssml = to_ssml(text, delivery_for(None, pace=1.0))
        assert "&amp;" in ssml and "&lt;b&gt;" in ssml
        assert spoken_text(ssml) == text

    def test_ellipses_and_dashes_become_breaks(self) -> None:
        ssml = to_ssml("Well... I suppose — no.", delivery_for(None, pace=1.0))
        root = ET.fromstring(ssml)
        assert len(root.findall(".//break")) == 2
        assert spoken_text(ssml) == "WellI supposeno."

    def test_rate_and_volume_go_into_prosody(self) -> None:
        ssml = to_ssml("Hush.", delivery_for("whispering", pace=1.1), voice_rate=0.9)
        prosody = ET.fromstring(ssml).find("prosody")
        assert prosody is not None
        assert prosody.get("rate") == "94%"
        assert prosody.get("volume") == "soft"

    def test_a_plain_line_is_plain_ssml(self) -> None:
        assert to_ssml("Hello.", delivery_for(None, pace=1.0)) == "<speak>Hello.</speak>"

    @given(st.text(min_size=1, max_size=200).filter(lambda t: t.strip()))
    def test_any_text_gives_well_formed_neural_ssml(self, text: str) -> None:
        """Whatever a screenwriter types, the document parses and keeps the words."""
        text = "".join(ch for ch in text if ch.isprintable())
        if not text.strip():
            return
        ssml = to_ssml(text, delivery_for("slowly", pace=1.0))
        root = ET.fromstring(ssml)
        assert root.tag == "speak"
        assert not any(tag in ssml for tag in NEURAL_UNSUPPORTED)
        kept = "".join(spoken_text(ssml).split())
        for mark in ("...", "…", "—", "--"):
            text = text.replace(mark, "")
        assert kept == "".join(text.split())
