from django.db import models


class StorefrontTemplate(models.Model):
    """An industry storefront template merchants pick from. ``version`` goes up whenever the theme or
    layout changes; tenants record the version they copied."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    name_en = models.CharField(max_length=60)
    industry = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)
    theme = models.JSONField()
    layout = models.JSONField()
    version = models.PositiveIntegerField(default=1)
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)  # retired templates are not offered; stores keep their copy
    # "catalog": shipped in catalog/*.json and kept in step with it; "operator": edited on the platform, after
    # which the catalog seeding leaves it alone.
    source = models.CharField(max_length=10, default="catalog")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.code
