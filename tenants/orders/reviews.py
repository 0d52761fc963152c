"""Product reviews: written by the shopper for each line of an order they received, moderated by the merchant
(publish, hide, reply), and counted on the product (``rating_count`` / ``rating_total``) as they enter and leave
the published state, in the same transaction, so the average shown is always the published reviews' own."""

from __future__ import annotations

from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, NotFound, ValidationFailed
from core.events import publish
from core.images import images_store
from tenants.catalog.models import Product
from tenants.members.models import Member

from .error_codes import OrdersCode
from .events import ReviewPublished
from .models import Order, OrderLine, Review
from .selectors import order_settings_get
from .transitions import REVIEW

MAX_TEXT = 500
MAX_PHOTOS = 6
MAX_REPLY = 300
REVIEWABLE = (Order.Status.RECEIVED, Order.Status.COMPLETED)


def review_photos_store(*, uploads: list[UploadedFile]) -> list[str]:
    """Keep a review's photos (each checked to be an image, all before any is kept) in the store's own media;
    returns their URLs."""
    return images_store(uploads, folder="reviews", field="photos")


def _count(review: Review, sign: int) -> None:
    Product.objects.filter(pk=review.product_id).update(rating_count=F("rating_count") + sign,
                                                        rating_total=F("rating_total") + sign * review.rating)


@transaction.atomic
def review_create(*, member: Member, order_line_id: int, rating: int, text: str, photos: list[str]) -> Review:
    """The member's review of one line of their received order. Published at once unless the store reviews
    them first (``reviews_need_approval``)."""
    line = OrderLine.objects.select_related("order").filter(pk=order_line_id, order__member=member).first()
    if line is None:
        raise NotFound(_("订单中没有这件商品。"))
    if line.order.status not in REVIEWABLE:
        raise Conflict(_("确认收货后才能评价。"), code=OrdersCode.NOT_REVIEWABLE)
    fields: dict[str, list[str]] = {}
    if not 1 <= rating <= 5:
        fields["rating"] = [_("请选择 1 到 5 星。")]
    if len(text.strip()) > MAX_TEXT:
        fields["text"] = [_("评价最多 %(n)s 个字。") % {"n": MAX_TEXT}]
    if len(photos) > MAX_PHOTOS:
        fields["photos"] = [_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS}]
    if fields:
        raise ValidationFailed(_("请修正标出的字段。"), fields=fields)
    published = not order_settings_get().reviews_need_approval
    try:
        with transaction.atomic():
            review = Review.objects.create(
                order_line=line, product_id=line.product_id, member=member, rating=rating, text=text.strip(),
                photos=photos, status=Review.Status.PUBLISHED if published else Review.Status.PENDING)
    except IntegrityError:
        raise Conflict(_("这件商品已经评价过了。"), code=OrdersCode.ALREADY_REVIEWED) from None
    if published:
        _count(review, +1)
        _announce(review)
    return review


def _announce(review: Review) -> None:
    publish(ReviewPublished(review_id=review.pk, member_id=review.member_id, order_line_id=review.order_line_id))


def _locked(review_id: int) -> Review:
    review = Review.objects.select_for_update().filter(pk=review_id).first()
    if review is None:
        raise NotFound(_("评价不存在。"))
    return review


@transaction.atomic
def review_moderate(*, review: Review, action: str, actor: str) -> Review:
    """Publish (``publish``) or hide (``hide``) a review; the product's rating follows."""
    review = _locked(review.pk)
    REVIEW.check(action, review.status, status_label=review.get_status_display())
    was_published = review.status == Review.Status.PUBLISHED
    review.status = Review.Status.PUBLISHED if action == "publish" else Review.Status.HIDDEN
    review.moderated_by = actor[:64]
    review.save(update_fields=["status", "moderated_by"])
    if review.status == Review.Status.PUBLISHED and not was_published:
        _count(review, +1)
        _announce(review)
    elif was_published and review.status != Review.Status.PUBLISHED:
        _count(review, -1)
    return review


@transaction.atomic
def review_reply(*, review: Review, text: str, actor: str, now: datetime | None = None) -> Review:
    """The merchant's answer, shown under the review (an empty one removes it)."""
    if len(text.strip()) > MAX_REPLY:
        message = _("回复最多 %(n)s 个字。") % {"n": MAX_REPLY}
        raise ValidationFailed(message, fields={"reply": [message]})
    review = _locked(review.pk)
    review.reply, review.replied_at = text.strip(), (now or timezone.now()) if text.strip() else None
    review.moderated_by = actor[:64]
    review.save(update_fields=["reply", "replied_at", "moderated_by"])
    return review


def reviews_published(*, product_id: int) -> QuerySet[Review]:
    return Review.objects.filter(product_id=product_id, status=Review.Status.PUBLISHED).select_related("member")


def reviews_for_moderation(*, status: str = "") -> QuerySet[Review]:
    found = Review.objects.select_related("member", "order_line__order")
    return found.filter(status=status) if status else found


def lines_to_review(*, order: Order) -> list[OrderLine]:
    """The order's lines the shopper may still review (none unless it was received)."""
    if order.status not in REVIEWABLE:
        return []
    reviewed = set(Review.objects.filter(order_line__order=order).values_list("order_line_id", flat=True))
    return [line for line in order.lines.all() if line.pk not in reviewed]
