from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("probe_app", "0001_initial")]
    operations = [
        migrations.AddField(model_name="probe", name="note", field=models.CharField(default="", max_length=40)),
    ]
