"""Install django-tenants' clone_schema() SQL function once, at migrate time.

django-tenants' CloneSchema re-creates it (DROP TYPE ... CASCADE included) on every clone, which costs
time on each sign-up and lets two concurrent sign-ups break each other."""

from django.conf import settings
from django.db import migrations
from django_tenants.clone import CLONE_SCHEMA_FUNCTION


def install(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return
    db_user = settings.DATABASES["default"].get("USER") or "postgres"
    # Executed on a bare cursor: the function body is full of '%' that parameter interpolation would eat.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(CLONE_SCHEMA_FUNCTION.format(db_user=db_user))


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop, elidable=False)]
