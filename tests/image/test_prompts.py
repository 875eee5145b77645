"""Prompts for the image model: the scene, the director's look and the character bible."""

from __future__ import annotations

import pytest

from services.image.prompts import SOFTENED_PREFIX, prompt_for, soften
from shared.styles import StyleCatalog
from tests.image.conftest import BRAM, ODILE, film, shot_of


class TestScenePrompt:
    @pytest.mark.parametrize("scene", [1, 2, 3])
    def test_every_character_in_the_scene_brings_their_bible_entry_verbatim(
        self, catalog: StyleCatalog, scene: int
    ) -> None:
        """The bible entry of each character seen in the scene is in the prompt word for
        word; characters not in the scene, and the unseen narrator, are not."""
        script = film()
        shot = shot_of(catalog, "Wes Anderson", scene)
        prompt = prompt_for(shot)
        in_scene = {member.name for member in shot.cast}
        for character in script.characters:
            entry = f"- {character.name}: {character.description}"
            assert (entry in prompt) == (character.name in in_scene), character.name
        assert "NARRATOR" not in prompt

    def test_the_scene_and_the_style_are_both_there(self, catalog: StyleCatalog) -> None:
        shot = shot_of(catalog, "Quentin Tarantino", 1)
        prompt = prompt_for(shot)
        brief = " ".join(catalog.resolve("Quentin Tarantino").visual.brief.split())
        for expected in (
            shot.heading,
            shot.description,
            "Mood: tense.",
            brief,
            "#C8102E",
            "low-angle",
        ):
            assert expected in prompt
        assert "No text" in prompt

    def test_the_same_bible_entry_is_repeated_in_every_scene(self, catalog: StyleCatalog) -> None:
        prompts = [prompt_for(shot_of(catalog, "Hayao Miyazaki", n)) for n in (1, 2, 3)]
        assert all(f"- ODILE: {ODILE}" in p for p in prompts)
        assert sum(f"- BRAM: {BRAM}" in p for p in prompts) == 2

    def test_the_title_backdrop_asks_for_room_for_a_title_and_no_lettering(
        self, catalog: StyleCatalog
    ) -> None:
        prompt = prompt_for(shot_of(catalog, "Stanley Kubrick", 0))
        assert "The Last Loaf" in prompt and "added later" in prompt and "No text" in prompt
        assert f"- ODILE: {ODILE}" in prompt

    def test_a_vertical_canvas_asks_for_a_vertical_frame(self, catalog: StyleCatalog) -> None:
        prompt = prompt_for(shot_of(catalog, "Wes Anderson", 1, width=360, height=640))
        assert "vertical 9:16" in prompt


class TestSoften:
    def test_violent_words_are_replaced_and_a_preamble_added(self) -> None:
        softened = soften("Scene 4: the hitman shoots; blood on the floor, a gun, a corpse.")
        assert softened.startswith(SOFTENED_PREFIX)
        for word in ("shoots", "blood", "gun", "corpse"):
            assert word not in softened.lower().removeprefix(SOFTENED_PREFIX.lower())
        assert "Scene 4" in softened

    def test_camera_words_survive(self) -> None:
        """'shot' is a camera word here, not a gunshot."""
        assert "Shot from a low angle" in soften("Shot from a low angle, a blood-red coat.")
