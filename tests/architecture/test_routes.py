"""Every route has a name and templates link with {% url %}: a route can move without a page breaking."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

TEMPLATES = Path(settings.REPO_DIR) / "console_frontend" / "templates"


def _patterns(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.urlconf_name == "django.conf.urls.i18n":
                continue  # Django's own
            yield from _patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern


def test_every_route_of_both_hosts_is_named():
    unnamed = [str(p.pattern) for conf in ("config.urls_tenant", "config.urls_platform")
               for p in _patterns(get_resolver(conf).url_patterns) if not p.name]
    assert unnamed == []


def test_templates_link_by_route_name_only():
    hard_coded = [f"{template.name}: {match.group(0)}" for template in TEMPLATES.rglob("*.html")
                  for match in re.finditer(r'(href|action|src|hx-get|hx-post)="/[^"]*"', template.read_text())]
    assert hard_coded == []
