"""Per-tenant workers: a real Celery worker (Redis broker) runs tenant tasks in the schema they were sent
from, refuses to run them in public, and beat's fan-out sends one task per open store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from config.celery import app
from control_plane.tenancy.models import Tenant
from control_plane.tenancy.tasks import fan_out
from core.tasks import WrongSchemaError, enqueue_on_commit
from tenants.staff.tasks import housekeeping


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), start_worker(app, perform_ping_check=False, pool="solo",
                                                   shutdown_timeout=20) as running:
        yield running


@pytest.fixture
def committed(django_db_blocker):
    """Real commits, visible to the worker's own connection; the test removes what it made."""
    with django_db_blocker.unblock():
        yield
        for schema in ("t_alpha", "t_bravo"):
            with schema_context(schema):
                Session.objects.filter(session_key__startswith="test-").delete()
        connection.set_schema_to_public()


def _expired_session(schema: str, key: str) -> None:
    with schema_context(schema):
        Session.objects.create(session_key=key, session_data="x", expire_date=timezone.now() - timedelta(days=1))


def _session_exists(schema: str, key: str) -> bool:
    with schema_context(schema):
        return Session.objects.filter(session_key=key).exists()


def test_tenant_task_runs_in_the_schema_it_was_sent_from(worker, committed):
    _expired_session("t_alpha", "test-alpha-old")
    _expired_session("t_bravo", "test-bravo-old")
    with schema_context("t_alpha"):
        result = housekeeping.delay()
    assert result.get(timeout=20) == {"schema": "t_alpha", "expired_sessions_deleted": 1}
    assert not _session_exists("t_alpha", "test-alpha-old")
    assert _session_exists("t_bravo", "test-bravo-old")


def test_tenant_task_sent_from_public_refuses_to_run(worker, committed):
    connection.set_schema_to_public()
    result = housekeeping.delay()
    with pytest.raises(WrongSchemaError, match="public"):
        result.get(timeout=20)


def test_fan_out_sends_one_task_per_open_store(worker, committed, monkeypatch):
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(app, "send_task", lambda name, *a, **k: sent.append((name, connection.schema_name)))
    with transaction.atomic():
        Tenant.objects.filter(slug="bravo").update(status=Tenant.Status.SUSPENDED)
        try:
            assert fan_out("tenants.staff.tasks.housekeeping") == 1, sent
        finally:
            transaction.set_rollback(True)
    assert sent == [("tenants.staff.tasks.housekeeping", "t_alpha")]


def test_fan_out_through_the_worker_reaches_every_store(worker, committed):
    _expired_session("t_alpha", "test-alpha-fan")
    _expired_session("t_bravo", "test-bravo-fan")
    assert fan_out.delay("tenants.staff.tasks.housekeeping").get(timeout=20) == 2
    deadline = timezone.now() + timedelta(seconds=20)
    while (_session_exists("t_alpha", "test-alpha-fan") or _session_exists("t_bravo", "test-bravo-fan")) \
            and timezone.now() < deadline:
        pass
    assert not _session_exists("t_alpha", "test-alpha-fan")
    assert not _session_exists("t_bravo", "test-bravo-fan")


def test_enqueue_on_commit_sends_only_after_commit_stamped_with_the_schema(committed, monkeypatch):
    sent: list[dict] = []
    monkeypatch.setattr(housekeeping, "apply_async", lambda **kwargs: sent.append(kwargs))
    with schema_context("t_bravo"):
        with transaction.atomic():
            enqueue_on_commit(housekeeping)
            transaction.set_rollback(True)
        assert sent == []
        with transaction.atomic():
            enqueue_on_commit(housekeeping)
            assert sent == []
    assert sent == [{"args": (), "kwargs": {}, "headers": {"_schema_name": "t_bravo"}}]
