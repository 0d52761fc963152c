import os

from django.db import models


class Probe(models.Model):
    name = models.CharField(max_length=20, default="")
    if os.environ.get("BENCH_PROBE_VERSION", "1") == "2":
        note = models.CharField(max_length=40, default="")

    def __str__(self) -> str:
        return self.name
