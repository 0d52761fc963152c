from django.apps import AppConfig


class ProbeAppConfig(AppConfig):
    """A tenant app that exists only in the provisioning benchmark, to time one real AddField."""

    name = "bench.probe_app"
    label = "probe_app"
    plane = "tenant"
