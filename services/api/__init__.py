"""The status API and the web page it serves: submit a plot, watch each stage, play the film.

``create_app(settings, backend)`` builds the FastAPI app over the three ports only, so
it runs on the local backend (``pixelscript serve``) and on AWS (``python -m
services.api`` in its container) alike.
"""

from services.api.app import Companion, create_app

__all__ = ["Companion", "create_app"]
