"""Prompts for an image model, built by pure functions from a ``Shot``.

A scene prompt is the scene's own words (heading, visual description, mood), the
director's visual brief (prose plus palette, composition, lens and texture in plain
words) and the character bible: every character in the scene with their fixed
description repeated verbatim, so faces and clothes stay the same from scene to
scene. No text is asked for: titles are typeset afterwards (``title_card``).
"""

from __future__ import annotations

import re

from services.image.shots import Shot

__all__ = ["SOFTENED_PREFIX", "bible_lines", "prompt_for", "soften"]

COMPOSITION = {
    "symmetry": "strictly symmetrical frontal composition, the subject dead centre, flat staging",
    "low_angle": "low-angle shot looking up, figures looming against the ceiling or sky",
    "wide_empty": "wide frame, small figures in a great deal of empty space",
    "centered_deep": (
        "one-point perspective, deep focus down the length of the space, vanishing point centred"
    ),
    "dutch_tilt": "dutch angle, the frame tilted off level, faces pushed to the edge",
    "layered_nature": (
        "layered depth, a lively foreground, the figures in the middle distance, rich background"
    ),
}
LENS = {
    "wide": "wide-angle lens",
    "normal": "natural perspective, normal lens",
    "telephoto": "long telephoto lens compressing the layers, shallow depth of field",
    "anamorphic": "anamorphic widescreen lens with horizontal flares and oval bokeh",
}
NO_TEXT = "No text, no captions, no lettering, no logos, no watermarks, no borders."
SOFTENED_PREFIX = (
    "A tasteful, non-violent, non-graphic illustration suitable for all audiences; "
    "anything dangerous is only implied, off screen. "
)

# Words an image model's safety system tends to refuse, and calmer stand-ins.
_SOFTER = {
    r"blood[- ]?red": "deep red",
    r"bloody|bloodied|blood-soaked": "dishevelled",
    r"blood|gore|gory": "spilled paint",
    r"guns?|pistols?|revolvers?|rifles?|shotguns?|firearms?|weapons?": "props",
    r"knives|knife|blades?|daggers?|machetes?": "tools",
    r"kill(?:s|ed|ing|er|ers)?|murder(?:s|ed|ing|er|ers|ous)?|slaughter(?:s|ed)?": "confronts",
    r"corpses?|dead bod(?:y|ies)|cadavers?": "still figure",
    r"dead|dying": "motionless",
    r"stab(?:s|bed|bing)?|shoot(?:s|ing)?|shoots? at": "threatens",
    r"violent|violence|brutal|savage|nightmarish|sickening": "intense",
    r"explosions?|explodes?|exploding|bombs?|grenades?": "bright flash",
    r"wounds?|wounded|injur(?:y|ies|ed)": "bruised",
    r"naked|nude|topless": "dressed in a robe",
    r"drugs?|cocaine|heroin|syringes?|needles?": "packages",
    r"torture[ds]?": "interrogation",
    r"suicide": "despair",
}


def bible_lines(shot: Shot) -> list[str]:
    """One line per character in the shot: the name, then the bible entry verbatim."""
    return [f"- {member.name}: {member.description}" for member in shot.cast]


def _style(shot: Shot) -> list[str]:
    visual = shot.visual
    texture = []
    if visual.grain >= 0.25:
        texture.append("visible film grain")
    if visual.vignette >= 0.3:
        texture.append("dark vignette")
    if visual.haze >= 0.3:
        texture.append("atmospheric haze")
    if visual.saturation >= 1.15:
        texture.append("saturated colour")
    elif visual.saturation <= 0.7:
        texture.append("desaturated, muted colour")
    if visual.contrast >= 1.2:
        texture.append("high contrast")
    lines = [
        f"Visual style, in the manner of {shot.director}: {' '.join(visual.brief.split())}",
        f"Composition: {COMPOSITION.get(visual.composition, visual.composition)}. "
        f"Lens: {LENS.get(visual.lens, visual.lens)}.",
        f"Colour palette: {', '.join(visual.palette)}."
        + (f" Texture: {', '.join(texture)}." if texture else ""),
    ]
    return lines


def _frame(shot: Shot) -> str:
    if shot.width < shot.height:
        return "a vertical 9:16 frame"
    return (
        f"a {shot.width / shot.height:.2f}:1 widescreen frame, "
        f"key action inside a {shot.frame_aspect:.2f}:1 centre"
    )


def prompt_for(shot: Shot) -> str:
    """The full prompt for ``shot``: a scene still, or the title card's backdrop."""
    if shot.kind == "title":
        head = [
            f'Key art for the opening title card of the film "{shot.title}": {shot.logline}',
            f"Set in the opening scene's place: {shot.heading}. {shot.description}",
            "Leave calm, uncluttered space in the centre of the frame; the title is added later.",
        ]
    else:
        head = [
            f"A single still from a film, scene {shot.number}: {shot.heading}.",
            shot.description,
        ]
        if shot.mood:
            head.append(f"Mood: {shot.mood}.")
    parts = [*head, *_style(shot)]
    bible = bible_lines(shot)
    if bible:
        parts.append(
            "Characters in this shot; draw each exactly as described here, the same in every scene:"
        )
        parts.extend(bible)
    parts.append(f"Framing: {_frame(shot)}. {NO_TEXT}")
    return "\n".join(parts)


def soften(prompt: str) -> str:
    """The prompt with words a safety system refuses replaced by calmer ones, and a
    preamble asking for a non-graphic picture: the one retry after a refusal."""
    softened = prompt
    for pattern, replacement in _SOFTER.items():
        softened = re.sub(rf"\b(?:{pattern})\b", replacement, softened, flags=re.IGNORECASE)
    return SOFTENED_PREFIX + softened
