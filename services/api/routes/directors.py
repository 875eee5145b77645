"""``GET /directors``: the style catalog, for the page's director picker."""

from __future__ import annotations

from fastapi import APIRouter

from services.api.models import DirectorList, DirectorView
from services.api.problems import PROBLEM_RESPONSES
from shared.styles import load_catalog

__all__ = ["router"]

router = APIRouter(tags=["directors"])


@router.get(
    "/directors",
    response_model=DirectorList,
    responses={401: PROBLEM_RESPONSES[401]},
    summary="Directors whose style the catalog knows",
)
def directors() -> DirectorList:
    catalog = load_catalog()
    return DirectorList(
        directors=[
            DirectorView(
                name=style.name,
                aliases=list(style.aliases),
                known_for=list(style.known_for),
                aspect=style.render.aspect,
                structure=style.writing.structure,
            )
            for style in catalog.directors
        ],
        note="Any other name works too: it gets a neutral style and is passed to the writer.",
    )
