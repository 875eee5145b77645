"""``GET /jobs/{id}/artifacts/{name}``: artifacts of a job, for blob stores without URLs
a browser can open (the local one answers with ``file://``).

Only names the job record lists are served, so the route can reach nothing but a
job's own artifacts. Starlette's ``FileResponse`` answers ``Range`` requests (206),
which is what lets the ``<video>`` element seek. The caller shows either the API key
or the signature of a link the API handed out (``services.api.links``); on a blob
store with its own URLs (S3) the route redirects to a presigned one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote, unquote, urlparse

from fastapi import APIRouter, HTTPException, Query, Request, Security
from fastapi.responses import FileResponse, RedirectResponse, Response

from services.api.auth import api_key_header, presented_key_valid, unauthorised
from services.api.context import Context
from services.api.media_types import content_type
from services.api.models import Problem
from services.api.problems import PROBLEM_RESPONSES
from services.api.routes.params import ArtifactName, JobId

__all__ = ["router"]

router = APIRouter(tags=["artifacts"])

#: Signatures are 64 hex characters; anything longer is not one.
SIGNATURE_MAX_CHARS = 128


@router.get(
    "/jobs/{job_id}/artifacts/{name}",
    responses={
        **PROBLEM_RESPONSES,
        200: {"description": "The artifact's bytes (206 for a Range request)."},
        307: {"description": "On a blob store with its own links: a presigned URL."},
        404: {"model": Problem, "description": "No such job or artifact."},
    },
    response_class=Response,
    summary="An artifact of a job (movie, script, subtitles...)",
)
def get_artifact(
    request: Request,
    job_id: JobId,
    name: ArtifactName,
    context: Context,
    presented: Annotated[str | None, Security(api_key_header)] = None,
    expires: Annotated[int | None, Query(ge=0, le=2**40, description="Link expiry.")] = None,
    sig: Annotated[
        str | None, Query(max_length=SIGNATURE_MAX_CHARS, description="Link signature.")
    ] = None,
    download: Annotated[bool, Query(description="Ask the browser to save the file.")] = False,
) -> Response:
    signed = context.signer.verify(job_id, name, expires, sig)
    if not signed and not presented_key_valid(request, presented):
        raise unauthorised()
    record = context.backend.jobs.get(job_id)
    key = record.artifacts.get(name)
    if key is None:
        raise HTTPException(status_code=404, detail=f"job {job_id} has no artifact {name!r}")
    url = context.backend.blobs.url(key, expires_in=context.api.link_seconds)
    if not url.startswith("file://"):
        return RedirectResponse(url, status_code=307)
    path = Path(unquote(urlparse(url).path))
    if not path.is_file():
        raise HTTPException(status_code=404, detail=f"artifact {name!r} is not written yet")
    filename = path.name
    disposition = "attachment" if download else "inline"
    return FileResponse(
        path,
        media_type=content_type(key),
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename)}",
            # Signed links are private to whoever was handed them.
            "Cache-Control": "private, max-age=300",
            "X-Content-Type-Options": "nosniff",
        },
    )


# HEAD too: players and download managers ask for the size and Range support first.
# Left out of the schema, where it would repeat the GET under the same operation id.
router.add_api_route(
    "/jobs/{job_id}/artifacts/{name}",
    get_artifact,
    methods=["HEAD"],
    include_in_schema=False,
)
