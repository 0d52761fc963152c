"""Uploaded files of the store on this host (product images and their thumbnails, made when first asked
for): ``/media/<schema>/...`` is served only on that store's own host, never another's, and never outside
the store's folder. A deployment may put a CDN
or the web server in front; this keeps `make run` and the tests free of broken images.

User media is never served with a type a browser would run: images get their own type by extension
(uploads are named from their detected format, core.images), anything else is an attachment of no
particular type; the browser is told not to sniff, and a sandbox policy keeps even a mislabelled file
from running script on the store's origin."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from core.images import CONTENT_TYPES, thumbnail_make


@require_GET
def tenant_media(request: HttpRequest, path: str) -> FileResponse:
    root = (Path(settings.MEDIA_ROOT) / connection.schema_name).resolve()
    target = (Path(settings.MEDIA_ROOT) / path).resolve()
    # Files under private/ (exports with personal data) are served only by the console, to staff.
    if root not in target.parents or (root / "private") in target.parents:
        raise Http404("No such file")
    if not target.is_file() and thumbnail_make(target) is None:  # a thumbnail is made when first asked for
        raise Http404("No such file")
    content_type = CONTENT_TYPES.get(target.suffix.lower().lstrip("."))
    response = FileResponse(target.open("rb"), content_type=content_type or "application/octet-stream",
                            as_attachment=content_type is None)
    response["Cache-Control"] = "public, max-age=604800, immutable"  # upload names are never reused
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
