"""Content negotiation that does not read the Accept header when there is nothing to choose from.

The shop API renders JSON only, so DRF's negotiation would parse every request's Accept header just to
pick the one renderer (or refuse with a 406). Views offering several formats (the OpenAPI schema: YAML
or JSON) are negotiated as usual."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation


class SingleRendererNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if len(renderers) == 1:
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)
