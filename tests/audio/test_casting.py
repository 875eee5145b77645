"""Casting: stable, distinct voices from traits (Piper), distinct engine-compatible
Polly voices, never one voice for two characters while voices remain."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moto.polly.resources import VOICE_DATA

from services.audio.casting import (
    CHILD_VOICES,
    PiperModel,
    PollyVoice,
    accent_language,
    cast_piper,
    cast_polly,
)
from shared.contracts import Character, VoiceTraits

JOE = PiperModel(name="en_US-joe-medium", gender="male")

#: The real DescribeVoices list that moto serves (standard-only voices included).
POLLY_VOICES = [
    PollyVoice(
        voice_id=raw["Id"],
        gender=raw["Gender"],
        language_code=raw["LanguageCode"],
        additional_language_codes=tuple(raw.get("AdditionalLanguageCodes", [])),
        supported_engines=tuple(raw.get("SupportedEngines", [])),
    )
    for raw in VOICE_DATA
]
NEURAL_ENGLISH = {
    v.voice_id for v in POLLY_VOICES if "neural" in v.supported_engines and v.speaks_english()
}


def person(
    name: str, gender: str | None = None, age: str | None = None, accent: str | None = None
) -> Character:
    return Character(
        name=name,
        description="someone",
        voice=VoiceTraits(gender=gender, age=age, accent=accent),
    )


traits = st.builds(
    VoiceTraits,
    gender=st.sampled_from([None, "female", "male", "neutral"]),
    age=st.sampled_from([None, "child", "young", "adult", "elderly"]),
)


def casts(max_size: int) -> st.SearchStrategy[list[Character]]:
    return st.lists(
        st.tuples(st.from_regex(r"[A-Z]{2,10}", fullmatch=True), traits),
        min_size=1,
        max_size=max_size,
        unique_by=lambda pair: pair[0],
    ).map(lambda pairs: [Character(name=n, description="x", voice=v) for n, v in pairs])


class TestPiperCasting:
    def test_same_characters_get_the_same_voices(self) -> None:
        """Casting is a pure function of the characters: two runs agree."""
        people = [person("ODILE", "female"), person("BRAM", "male"), person("NARRATOR", "male")]
        assert cast_piper(people, [JOE]) == cast_piper(people, [JOE])

    def test_a_narrator_reads_lower_and_slower_than_the_same_person_in_a_scene(self) -> None:
        """NARRATOR with a man's traits is pitched below and paced slower than any man."""
        for name in ["BRAM", "VINCE", "TOM", "OTTO", "HENRI"]:
            cast = cast_piper(
                [person(name, "male", "adult"), person("NARRATOR", "male", "adult")], [JOE]
            )
            assert cast["NARRATOR"].pitch < cast[name].pitch
            assert cast["NARRATOR"].rate < cast[name].rate

    def test_women_and_children_are_pitched_up_from_the_male_model(self) -> None:
        cast = cast_piper(
            [person("MAN", "male"), person("WOMAN", "female"), person("KID", "male", "child")],
            [JOE],
        )
        assert cast["WOMAN"].pitch > 1.5 * cast["MAN"].pitch
        assert cast["KID"].formant > cast["WOMAN"].formant > cast["MAN"].formant

    @settings(max_examples=60, deadline=None)
    @given(casts(max_size=12))
    def test_characters_on_one_model_are_at_least_a_semitone_apart(
        self, people: list[Character]
    ) -> None:
        """A cast of up to a dozen on the one bundled model: no two share a pitch."""
        cast = cast_piper(people, [JOE])
        pitches = sorted(choice.pitch for choice in cast.values())
        for low, high in pairwise(pitches):
            assert 12 * math.log2(high / low) >= 0.99

    @settings(max_examples=30, deadline=None)
    @given(casts(max_size=40))
    def test_a_crowd_stays_within_a_human_pitch_range(self, people: list[Character]) -> None:
        """Forty characters on one model: every pitch stays one a person could have."""
        cast = cast_piper(people, [JOE])
        assert all(0.5 <= choice.pitch <= 3.5 for choice in cast.values())

    def test_a_configured_female_model_voices_the_women_unshifted(self) -> None:
        """With a female model configured, a woman is cast to it at its own pitch."""
        alba = PiperModel(name="en_GB-alba-medium", gender="female")
        cast = cast_piper([person("WOMAN", "female"), person("MAN", "male")], [JOE, alba])
        assert cast["WOMAN"].voice_id == "en_GB-alba-medium"
        assert 0.9 < cast["WOMAN"].pitch < 1.1
        assert cast["MAN"].voice_id == JOE.name


class TestPollyCasting:
    def test_only_voices_that_support_the_engine_are_cast(self) -> None:
        """A Welshman and an Australian man would want Geraint and Russell, which are
        standard-only: with the neural engine they get neural voices instead."""
        people = [
            person("DAI", "male", accent="Welsh"),
            person("BRUCE", "male", accent="Australian"),
            person("PRIYA", "female", accent="Indian"),
        ]
        cast = cast_polly(people, POLLY_VOICES, engine="neural")
        assert {c.voice_id for c in cast.values()} <= NEURAL_ENGLISH
        assert cast["DAI"].voice_id not in {"Geraint"}
        assert cast["BRUCE"].voice_id != "Russell"
        assert cast["PRIYA"].voice_id == "Kajal"

    @settings(max_examples=60, deadline=None)
    @given(casts(max_size=40))
    def test_no_voice_is_shared_while_an_unused_one_remains(self, people: list[Character]) -> None:
        cast = cast_polly(people, POLLY_VOICES, engine="neural")
        used = [choice.voice_id for choice in cast.values()]
        assert len(set(used)) == min(len(people), len(NEURAL_ENGLISH))
        assert set(used) <= NEURAL_ENGLISH

    def test_traits_pick_gender_age_and_accent(self) -> None:
        cast = cast_polly(
            [
                person("NELL", "female", "child"),
                person("SIR HUGH", "male", accent="posh British"),
                person("MAEVE", "female", accent="Irish"),
                person("JOE", "male"),
            ],
            POLLY_VOICES,
            engine="neural",
        )
        assert cast["NELL"].voice_id in CHILD_VOICES
        assert cast["SIR HUGH"].voice_id in {"Brian", "Arthur"}
        assert cast["MAEVE"].voice_id == "Niamh"
        male = {v.voice_id for v in POLLY_VOICES if v.gender == "Male"}
        assert cast["JOE"].voice_id in male - CHILD_VOICES

    def test_an_engine_without_english_voices_is_a_plain_error(self) -> None:
        with pytest.raises(Exception, match="no English voice for the 'long-form' engine"):
            cast_polly(
                [person("A")],
                [v for v in POLLY_VOICES if v.language_code == "fr-FR"],
                engine="long-form",
            )

    @pytest.mark.parametrize(
        ("accent", "code"),
        [
            ("Scottish", "en-GB"),
            ("Welsh", "en-GB-WLS"),
            ("New Zealand", "en-NZ"),
            ("Texan", "en-US"),
            (None, None),
            ("Martian", None),
        ],
    )
    def test_accents_name_language_variants(self, accent: str | None, code: str | None) -> None:
        assert accent_language(accent) == code
