"""Django's browser middlewares, skipped on the shop API; and its locale middleware, without URL prefixes.

The shop API authenticates with bearer tokens and speaks JSON: it has no use for a session, a CSRF
cookie, a logged-in user, flash messages or frame options, yet each of them costs every request its
work. These are the same classes, stepping aside for paths under ``/api/``. CSRF's view hook still runs
(Django collects it from the class); every API view is exempt from it anyway.
"""

from __future__ import annotations

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"


def _browser_only(middleware: type) -> type:
    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        return middleware.__call__(self, request)

    return type(f"Browser{middleware.__name__}", (middleware,), {
        "__call__": __call__, "async_capable": False, "__doc__": f"{middleware.__name__}, not on the shop API.",
        "__module__": __name__})


BrowserSessionMiddleware = _browser_only(SessionMiddleware)
BrowserCsrfViewMiddleware = _browser_only(CsrfViewMiddleware)
BrowserAuthenticationMiddleware = _browser_only(AuthenticationMiddleware)
BrowserMessageMiddleware = _browser_only(MessageMiddleware)
BrowserXFrameOptionsMiddleware = _browser_only(XFrameOptionsMiddleware)


class UnprefixedLocaleMiddleware(LocaleMiddleware):
    """Django's language choice (cookie, then Accept-Language, then the default), minus its work for
    language prefixes in URLs: no URL here carries one (no ``i18n_patterns``), yet Django's middleware
    looks for one in every request's path, twice."""

    def process_request(self, request):
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
