"""Self sign-up: validation with per-field errors, rate limit, all-or-nothing provisioning, handoff."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from control_plane.tenancy import services
from control_plane.tenancy.models import Domain, Tenant
from core.errors import RateLimited, ValidationFailed
from tenants.staff.models import StaffMember
from tenants.storefront.models import StorefrontLayout

GOOD = {
    "store_name": "小美的店",
    "slug": "xiaomei",
    "owner_login": "mei@example.com",
    "password": "Str0ng-enough-pass",
    "template_code": "mother_baby",
    "client_ip": "10.0.0.1",
}


def signup(**overrides):
    return services.tenant_signup(**{**GOOD, **overrides})


def field_errors(**overrides) -> dict:
    with pytest.raises(ValidationFailed) as exc:
        signup(**overrides)
    return exc.value.fields


@pytest.mark.parametrize(
    ("slug", "needle"),
    [
        ("ab", "长度"),
        ("a" * 31, "长度"),
        ("my_shop", "小写字母"),
        ("1shop", "字母开头"),
        ("shop-", "连字符结尾"),
        ("my--shop", "连续"),
        ("admin", "保留"),
        ("www", "保留"),
        ("api", "保留"),
        ("static", "保留"),
        ("public", "保留"),
        ("", "请填写"),
    ],
)
def test_bad_slugs_get_a_clear_field_error(db, slug, needle):
    errors = field_errors(slug=slug)
    assert list(errors) == ["slug"]
    assert needle in errors["slug"][0]


def test_slug_is_case_insensitive_and_taken_slugs_are_refused(store_a):
    errors = field_errors(slug="ALPHA")
    assert "已被使用" in errors["slug"][0]


def test_every_bad_field_is_reported_at_once(db):
    errors = field_errors(store_name="", owner_login="not-an-email", password="123", template_code="nope")
    assert set(errors) == {"store_name", "owner_login", "password", "template"}


def test_mobile_number_is_accepted_as_owner_login(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = signup(owner_login="+86 138-0013-8000")
    with schema_context(result.tenant.schema_name):
        assert get_user_model().objects.get(pk=result.owner_user_id).username == "13800138000"


def test_signup_provisions_a_cloned_store_with_template_and_owner(db, django_capture_on_commit_callbacks):
    with mock.patch.object(services.provisioning, "schema_create_by_migration") as slow_path, \
            django_capture_on_commit_callbacks(execute=True):
        result = signup(slug="XiaoMei")
    slow_path.assert_not_called()
    tenant = result.tenant
    assert tenant.slug == "xiaomei"
    assert tenant.schema_name == "t_xiaomei"
    assert tenant.status == Tenant.Status.TRIALING
    assert Domain.objects.get(tenant=tenant).domain == "xiaomei.localhost"
    assert schema_exists("t_xiaomei")
    with schema_context("t_xiaomei"):
        layout = StorefrontLayout.objects.get()
        assert layout.template_code == "mother_baby"
        owner = StaffMember.objects.select_related("user").get()
        assert owner.role == StaffMember.Role.OWNER
        assert owner.user.check_password(GOOD["password"])
    assert result.console_handoff_url.startswith("http://xiaomei.localhost:8000/console/handoff/?token=")


def test_the_chosen_plan_starts_its_trial_and_must_allow_the_template(db):
    from billing.models import Subscription

    tenant = signup(slug="planned", plan_code="basic", template_code="beauty").tenant
    tenant.refresh_from_db()
    subscription = Subscription.objects.get(tenant=tenant)
    assert (subscription.plan.code, subscription.status, tenant.plan_code) == ("basic", "trialing", "basic")
    assert field_errors(slug="other", plan_code="basic", template_code="mother_baby")["template"] == [
        "「基础版」不含模板「母婴亲子」，请换一个模板或套餐。"]
    assert "plan" in field_errors(slug="other", plan_code="gold")


def test_failed_provisioning_leaves_nothing_behind(db):
    with mock.patch("tenants.staff.handlers.staff_create_owner", side_effect=RuntimeError("boom")), \
            pytest.raises(RuntimeError):
        signup(slug="doomed")
    connection.set_schema_to_public()
    assert not Tenant.objects.filter(slug="doomed").exists()
    assert not Domain.objects.filter(domain__startswith="doomed.").exists()
    assert not schema_exists("t_doomed")


def test_provisioning_attempts_are_rate_limited_per_ip(db, settings, django_capture_on_commit_callbacks):
    settings.SIGNUP_RATE_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=True):
        signup(slug="first-one")
        signup(slug="second-one")
    with pytest.raises(RateLimited):
        signup(slug="third-one")
    # Another IP is not affected.
    with django_capture_on_commit_callbacks(execute=True):
        signup(slug="third-one", client_ip="10.0.0.2")


def test_signup_page_logs_the_owner_into_the_new_console(platform_client, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = platform_client.post("/", {
            "store_name": "小美的店", "slug": "xiaomei", "owner_login": "mei@example.com",
            "password": GOOD["password"], "template": "beauty",
        })
    assert response.status_code == 302
    handoff = response["Location"]
    path = handoff.split("xiaomei.localhost:8000", 1)[1]
    landed = client.get(path, HTTP_HOST="xiaomei.localhost")
    assert landed.status_code == 302 and landed["Location"] == "/console/"
    dashboard = client.get("/console/", HTTP_HOST="xiaomei.localhost")
    assert dashboard.status_code == 200
    assert "小美的店" in dashboard.content.decode()
    # The link works once.
    again = client.get(path, HTTP_HOST="xiaomei.localhost")
    assert again.status_code == 400


def test_handoff_token_of_one_store_is_useless_on_another(store_b, platform_client, client,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = platform_client.post("/", {
            "store_name": "小美的店", "slug": "xiaomei", "owner_login": "mei@example.com",
            "password": GOOD["password"], "template": "beauty",
        })
    path = response["Location"].split(":8000", 1)[1]
    assert client.get(path, HTTP_HOST=store_b.host).status_code == 400
    assert client.get("/console/", HTTP_HOST=store_b.host).status_code == 302


def test_signup_page_shows_field_errors_in_place(platform_client):
    response = platform_client.post("/", {"store_name": "店", "slug": "admin", "owner_login": "x@y.com",
                                          "password": GOOD["password"], "template": "beauty"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field="slug"' in html
    assert "保留名称" in html
    assert 'value="店"' in html  # what the merchant typed is kept
    assert GOOD["password"] not in html  # but never the password


def test_signup_field_errors_in_english(platform_client):
    platform_client.cookies["django_language"] = "en"
    response = platform_client.post("/", {"store_name": "", "slug": "admin", "owner_login": "not-an-email",
                                          "password": "x", "template": "beauty"})
    html = response.content.decode()
    assert response.status_code == 400
    for field in ("store_name", "slug", "owner_login", "password"):
        assert f'data-field="{field}"' in html, field
    assert "reserved" in html


def test_slug_check_hint(platform_client, store_a):
    assert 'data-slug-check="ok"' in platform_client.get("/signup/slug-check/?slug=free-name").content.decode()
    assert "已被使用" in platform_client.get("/signup/slug-check/?slug=Alpha").content.decode()
