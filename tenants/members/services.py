"""Shopper identity and profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wechatpy.exceptions import WeChatClientException, WeChatOAuthException

from core import crypto
from core.errors import Conflict, NotFound, ValidationFailed
from core.events import publish
from core.images import images_store
from core.regions import region_names
from core.text import ascii_digits
from tenants.catalog.models import Product

from .error_codes import MembersCode
from .events import MemberJoined
from .models import Address, BrowsingHistory, Favourite, Member, MiniProgram, OfficialAccount
from .tokens import member_token_issue
from .wechat import miniprogram_client, official_account_oauth


@transaction.atomic
def _credentials(model, *, appid: str, secret: str, **values):
    """Store a WeChat app's credentials: the AppID, and the secret encrypted at rest (left blank, the stored
    one is kept: it is never shown again)."""
    current = model.objects.filter(singleton=1).first()
    fields = {}
    if not appid.strip() or len(appid.strip()) > 32:
        fields["appid"] = [_("请填写 AppID。")]
    if not secret.strip() and current is None:
        fields["secret"] = [_("请填写 AppSecret。")]
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    encrypted = crypto.encrypt(secret.strip(), keys=settings.FIELD_ENCRYPTION_KEYS) if secret.strip() \
        else current.secret_encrypted
    app, _created = model.objects.update_or_create(singleton=1, defaults={
        "appid": appid.strip(), "secret_encrypted": encrypted, **values})
    return app


def miniprogram_configure(*, appid: str, secret: str, sandbox: bool = False) -> MiniProgram:
    """The store's mini-program: shoppers log in with it (code2session) and its codes are the posters' QR."""
    return _credentials(MiniProgram, appid=appid, secret=secret, sandbox=sandbox)


def official_account_configure(*, appid: str, secret: str, ask_userinfo: bool,
                               sandbox: bool = False) -> OfficialAccount:
    """The store's official account: shoppers inside WeChat's browser log in with it (web OAuth), silently,
    or asked for their nickname and avatar too when ``ask_userinfo``."""
    return _credentials(OfficialAccount, appid=appid, secret=secret, ask_userinfo=ask_userinfo, sandbox=sandbox)


def wechat_connection_test(*, app: MiniProgram | OfficialAccount) -> None:
    """Fetch an access token with the stored credentials (WeChat's, or the sandbox's in sandbox mode): nothing
    when they work; WeChat's own answer as the refusal when they do not."""
    try:
        miniprogram_client(app).fetch_access_token()
    except WeChatClientException as error:
        raise Conflict(_("微信拒绝了这组凭证：%(errmsg)s（%(errcode)s）") % {
            "errmsg": error.errmsg, "errcode": error.errcode}, code=MembersCode.WECHAT_REFUSED) from None
    except requests.RequestException:
        raise Conflict(_("连接不到微信服务器，请稍后再试。"), code=MembersCode.WECHAT_UNREACHABLE) from None


def member_login_wechat(*, code: str) -> tuple[Member, str, bool]:
    """Log a shopper in with the code from wx.login(): code2session through wechatpy, then find the member
    by unionid, then openid, or create them. The session_key stays on the server. Returns
    (member, token bound to this store, is_new)."""
    app = MiniProgram.objects.filter(singleton=1).first()
    if app is None:
        raise Conflict(_("店铺尚未配置小程序。"), code=MembersCode.MINIPROGRAM_NOT_CONFIGURED)
    if not code or len(code) > 128:
        raise ValidationFailed(_("登录凭证无效。"), fields={"code": [_("登录凭证无效。")]})
    try:
        session = miniprogram_client(app).wxa.code_to_session(code)
    except WeChatClientException:
        raise ValidationFailed(_("登录凭证无效或已过期，请重试。"), code=MembersCode.INVALID_CODE,
                               fields={"code": [_("登录凭证无效或已过期。")]}) from None
    member, created = _member_for(openid=session["openid"], unionid=session.get("unionid") or None)
    member.session_key = session.get("session_key", "")
    member.last_login_at = timezone.now()
    member.save(update_fields=["session_key", "last_login_at"])
    return member, member_token_issue(member=member), created


def _member_for(*, unionid: str | None, **identity: str) -> tuple[Member, bool]:
    """The member with this WeChat identity: by unionid (one person across the store's mini-program and
    official account), else by the app's own openid (``openid=`` or ``oa_openid=``); a new one otherwise.
    The ids WeChat gives that the member lacks are added."""
    member = None
    if unionid:
        member = Member.objects.filter(unionid=unionid).first()
    member = member or Member.objects.filter(**identity).first()
    if member is not None:
        missing = {name: value for name, value in {"unionid": unionid, **identity}.items()
                   if value and not getattr(member, name)}
        if missing:
            Member.objects.filter(pk=member.pk).update(**missing)
            for name, value in missing.items():
                setattr(member, name, value)
        return member, False
    try:
        with transaction.atomic():
            member = Member.objects.create(unionid=unionid, **identity)
            publish(MemberJoined(member_id=member.pk))
            return member, True
    except IntegrityError:  # the same shopper's first two requests raced: the other one created them
        return Member.objects.get(**identity), False


OAUTH_SCOPES = ("snsapi_base", "snsapi_userinfo")


def wechat_web_authorize_url(*, redirect_uri: str, state: str, userinfo: bool | None = None) -> str:
    """Where to send a shopper in WeChat's browser to log in with the store's official account: silently
    (snsapi_base), or asking for nickname and avatar (snsapi_userinfo) when the store asks for them."""
    app = OfficialAccount.objects.filter(singleton=1).first()
    if app is None:
        raise Conflict(_("店铺尚未配置公众号。"), code=MembersCode.OFFICIAL_ACCOUNT_NOT_CONFIGURED)
    scope = "snsapi_userinfo" if (app.ask_userinfo if userinfo is None else userinfo) else "snsapi_base"
    return official_account_oauth(app, redirect_uri=redirect_uri, scope=scope, state=state).authorize_url


def member_login_wechat_web(*, code: str) -> tuple[Member, str, bool]:
    """Log a shopper in with the code WeChat's web OAuth redirected back with: the member by unionid, then
    by the official account's openid, or a new one; with snsapi_userinfo their nickname and avatar are
    filled where the member has none. Returns (member, token bound to this store, is_new)."""
    app = OfficialAccount.objects.filter(singleton=1).first()
    if app is None:
        raise Conflict(_("店铺尚未配置公众号。"), code=MembersCode.OFFICIAL_ACCOUNT_NOT_CONFIGURED)
    if not code or len(code) > 128:
        invalid = _("登录凭证无效。")
        raise ValidationFailed(invalid, code=MembersCode.INVALID_CODE, fields={"code": [invalid]})
    oauth = official_account_oauth(app, redirect_uri="", scope="snsapi_base", state="")
    try:
        granted = oauth.fetch_access_token(code)
        profile = oauth.get_user_info() if granted.get("scope") == "snsapi_userinfo" else {}
    except WeChatOAuthException:
        raise ValidationFailed(_("微信登录已失效，请重试。"), code=MembersCode.INVALID_CODE,
                               fields={"code": [_("登录凭证无效或已过期。")]}) from None
    except requests.RequestException:
        raise Conflict(_("连接不到微信服务器，请稍后再试。"), code=MembersCode.WECHAT_UNREACHABLE) from None
    member, created = _member_for(oa_openid=granted["openid"],
                                  unionid=granted.get("unionid") or profile.get("unionid") or None)
    member.last_login_at = timezone.now()
    fields = ["last_login_at"]
    if profile.get("nickname") and not member.nickname:
        member.nickname, fields = str(profile["nickname"])[:64], [*fields, "nickname"]
    if str(profile.get("headimgurl") or "").startswith("https://") and not member.avatar_url:
        member.avatar_url, fields = profile["headimgurl"][:300], [*fields, "avatar_url"]
    member.save(update_fields=fields)
    return member, member_token_issue(member=member), created


MAX_ADDRESSES = 20


@dataclass(frozen=True)
class AddressInput:
    """A shipping address as the shopper enters it: the region is a GB/T 2260 code, its names come from it."""

    recipient: str
    phone: str
    region_code: str
    detail: str
    is_default: bool = False


def _address_problems(values: AddressInput) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if not values.recipient.strip() or len(values.recipient.strip()) > 30:
        fields["recipient"] = [_("请填写收货人（最多 30 个字）。")]
    if not (ascii_digits(values.phone) and len(values.phone) == 11 and values.phone.startswith("1")):
        fields["phone"] = [_("请填写 11 位手机号。")]
    if region_names(values.region_code) is None:
        fields["region_code"] = [_("请选择省市区（6 位行政区划代码）。")]
    if not values.detail.strip() or len(values.detail.strip()) > 200:
        fields["detail"] = [_("请填写详细地址（最多 200 个字）。")]
    return fields


def _address_fields(values: AddressInput) -> dict:
    province, city, district = region_names(values.region_code) or ("", "", "")
    return {"recipient": values.recipient.strip(), "phone": values.phone, "region_code": values.region_code,
            "province": province, "city": city, "district": district, "detail": values.detail.strip()}


@transaction.atomic
def address_create(*, member: Member, values: AddressInput) -> Address:
    """A shipping address. The first one, or one marked so, is the default."""
    Member.objects.select_for_update().filter(pk=member.pk).first()  # one address book change at a time
    fields = _address_problems(values)
    count = Address.objects.filter(member=member).count()
    if count >= MAX_ADDRESSES:
        fields["detail"] = [_("最多保存 %(max)s 个地址。") % {"max": MAX_ADDRESSES}]
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    if values.is_default and count:
        Address.objects.filter(member=member, is_default=True).update(is_default=False)
    return Address.objects.create(member=member, **_address_fields(values), is_default=values.is_default or not count)


def _own_address(member: Member, address_id: int) -> Address:
    address = Address.objects.select_for_update().filter(member=member, pk=address_id).first()
    if address is None:
        raise NotFound(_("地址不存在。"))
    return address


@transaction.atomic
def address_update(*, member: Member, address_id: int, values: AddressInput) -> Address:
    """Change an address; marked default, it becomes the one (a default cannot be unmarked: choose another)."""
    Member.objects.select_for_update().filter(pk=member.pk).first()
    address = _own_address(member, address_id)
    if fields := _address_problems(values):
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    if values.is_default and not address.is_default:
        Address.objects.filter(member=member, is_default=True).update(is_default=False)
    for name, value in _address_fields(values).items():
        setattr(address, name, value)
    address.is_default = address.is_default or values.is_default
    address.save()
    return address


@transaction.atomic
def address_delete(*, member: Member, address_id: int) -> None:
    """Remove an address (orders keep their own copy); the newest other one becomes the default."""
    Member.objects.select_for_update().filter(pk=member.pk).first()
    address = _own_address(member, address_id)
    address.delete()
    if address.is_default:
        following = Address.objects.filter(member=member).order_by("-id").first()
        if following is not None:
            Address.objects.filter(pk=following.pk).update(is_default=True)


MAX_HISTORY = 100


@transaction.atomic
def member_update_profile(*, member: Member, nickname: str | None = None, avatar_url: str | None = None,
                          birthday: date | None = None, today: date | None = None,
                          marketing_consent: bool | None = None) -> Member:
    """The member's own profile. A birthday is set once (it brings a yearly gift): changing it is refused."""
    if birthday is not None and birthday != member.birthday:
        today = today or timezone.localdate()
        if member.birthday is not None:
            message = _("生日设置后不能修改，如需更正请联系客服。")
            raise ValidationFailed(message, fields={"birthday": [message]})
        if not today.replace(year=today.year - 120) <= birthday <= today:
            message = _("请填写真实的生日。")
            raise ValidationFailed(message, fields={"birthday": [message]})
        member.birthday = birthday
    if nickname is not None:
        if len(nickname.strip()) > 64:
            raise ValidationFailed(_("昵称最多 64 个字。"), fields={"nickname": [_("昵称最多 64 个字。")]})
        member.nickname = nickname.strip()
    if avatar_url is not None:
        if avatar_url and not avatar_url.startswith(("https://", "/")):
            raise ValidationFailed(_("头像地址无效。"), fields={"avatar_url": [_("头像地址无效。")]})
        member.avatar_url = avatar_url[:300]
    if marketing_consent is not None and marketing_consent != member.marketing_consent:
        member.marketing_consent, member.marketing_consent_at = marketing_consent, timezone.now()
    member.save(update_fields=["nickname", "avatar_url", "birthday", "marketing_consent", "marketing_consent_at"])
    return member


def member_bind_phone(*, member: Member, code: str) -> Member:
    """Bind the phone number the shopper authorised in the mini-program (getuserphonenumber)."""
    app = MiniProgram.objects.filter(singleton=1).first()
    if app is None:
        raise Conflict(_("店铺尚未配置小程序。"), code=MembersCode.MINIPROGRAM_NOT_CONFIGURED)
    client = miniprogram_client(app)
    try:
        result = client.post("wxa/business/getuserphonenumber", data={"code": code},
                             api_base_url=client.API_BASE_URL)
    except WeChatClientException:
        raise ValidationFailed(_("手机号授权无效，请重试。"), fields={"code": [_("手机号授权无效。")]}) from None
    member.phone = result["phone_info"]["purePhoneNumber"]
    member.save(update_fields=["phone"])
    return member


def favourite_set(*, member: Member, product_id: int, on: bool) -> bool:
    """Idempotent: favouriting twice is one favourite; removing a missing one is fine."""
    if on:
        if not Product.objects.filter(pk=product_id, status=Product.Status.ON_SALE).exists():
            raise ValidationFailed(_("商品不存在。"), fields={"product_id": [_("商品不存在。")]})
        Favourite.objects.get_or_create(member=member, product_id=product_id)
    else:
        Favourite.objects.filter(member=member, product_id=product_id).delete()
    return on


def member_avatar_store(*, member: Member, upload) -> Member:
    """A photo the shopper uploaded as their avatar (checked to be an image), kept in the store's media."""
    return member_update_profile(member=member, avatar_url=images_store([upload], folder="avatars",
                                                                        field="avatar")[0])


def history_clear(*, member: Member) -> None:
    BrowsingHistory.objects.filter(member=member).delete()


def history_record(*, member: Member, product_id: int) -> None:
    """Remember a product view (latest first), keeping the last MAX_HISTORY."""
    BrowsingHistory.objects.update_or_create(member=member, product_id=product_id,
                                             defaults={"viewed_at": timezone.now()})
    stale = BrowsingHistory.objects.filter(member=member).order_by("-viewed_at").values_list("pk", flat=True)[
        MAX_HISTORY:]
    BrowsingHistory.objects.filter(pk__in=list(stale)).delete()
