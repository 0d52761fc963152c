from django.db import models


class StorefrontLayout(models.Model):
    """The store's own copy of its home-page layout and theme, taken from a catalog template and then
    the merchant's to customise. One row per store."""

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    template_code = models.CharField(max_length=40)
    template_version = models.PositiveIntegerField()
    theme = models.JSONField()
    layout = models.JSONField()
    customised = models.BooleanField(default=False)
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(singleton=1), name="storefront_layout_single_row"),
        ]

    def __str__(self) -> str:
        return f"{self.template_code} v{self.template_version} r{self.revision}"
