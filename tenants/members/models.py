"""Shoppers of one store: identity (WeChat openid/unionid), profile, addresses, favourites, history."""

from django.db import models

from tenants.catalog.models import Product


class MiniProgram(models.Model):
    """The store's own WeChat mini-program credentials (the secret is encrypted at rest). One row."""

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    appid = models.CharField(max_length=32)
    secret_encrypted = models.TextField()
    # Sandbox mode: code2session is answered by the local sandbox server instead of WeChat.
    sandbox = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.appid


class OfficialAccount(models.Model):
    """The store's WeChat official account, for logging shoppers in inside WeChat's browser (web OAuth). The
    secret is encrypted at rest. One row."""

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    appid = models.CharField(max_length=32)
    secret_encrypted = models.TextField()
    # Ask shoppers for their nickname and avatar (snsapi_userinfo) after the silent snsapi_base login.
    ask_userinfo = models.BooleanField(default=False)
    sandbox = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.appid


class Member(models.Model):
    openid = models.CharField(max_length=64, unique=True, null=True, blank=True)  # the mini-program's
    # The official account's openid (web OAuth in WeChat's browser): another id for the same person, who is
    # recognised across the two by unionid where WeChat gives one.
    oa_openid = models.CharField(max_length=64, unique=True, null=True, blank=True)
    unionid = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Kept only on the server: it decrypts the phone number payloads. Never serialised.
    session_key = models.CharField(max_length=64, blank=True)
    nickname = models.CharField(max_length=64, blank=True)
    avatar_url = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=20, blank=True, db_index=True)
    birthday = models.DateField(null=True, blank=True)  # set once by the member (the birthday gift's day)
    # Consent to marketing messages (PIPL): off until the member turns it on; when they last changed it.
    marketing_consent = models.BooleanField(default=False)
    marketing_consent_at = models.DateTimeField(null=True, blank=True)
    # Bumped to revoke every token the member holds.
    token_version = models.PositiveIntegerField(default=1)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    # An authenticated principal of the shop API (DRF's throttles and permissions ask).
    is_authenticated = True

    def __str__(self) -> str:
        return f"member {self.pk}"


class Address(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="addresses")
    recipient = models.CharField(max_length=30)
    phone = models.CharField(max_length=20)
    region_code = models.CharField(max_length=6)  # GB/T 2260 county-level code, e.g. 310115
    province = models.CharField(max_length=30)
    city = models.CharField(max_length=30)
    district = models.CharField(max_length=30)
    detail = models.CharField(max_length=200)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=models.Q(is_default=True),
                                    name="members_one_default_address"),
        ]

    def __str__(self) -> str:
        return f"{self.province}{self.city}{self.district}"


class Favourite(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="favourites")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["member", "product"], name="members_favourite_once")]

    def __str__(self) -> str:
        return f"{self.member_id}->{self.product_id}"


class BrowsingHistory(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="history")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-viewed_at"]
        constraints = [models.UniqueConstraint(fields=["member", "product"], name="members_history_once")]

    def __str__(self) -> str:
        return f"{self.member_id} viewed {self.product_id}"
