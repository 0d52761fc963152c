"""Listings show the cover's 400-pixel thumbnail (core.images), made when first asked for."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat


def to_thumbnails(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Product.objects.exclude(cover_image="").exclude(cover_image__endswith=".w400.webp").update(
        cover_image=Concat("cover_image", Value(".w400.webp")))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_reviews")]

    operations = [migrations.RunPython(to_thumbnails, migrations.RunPython.noop)]
