"""A demo store's catalog: the categories its template's home page shows, and about thirty products in them with
pictures drawn locally (Pillow: a soft gradient in the template's colours and the product's name), created
through the catalog's own services like a merchant's editor would."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from core.fonts import cjk_font
from tenants.catalog.editing import category_save, product_images_add, product_save
from tenants.catalog.models import Category, Product
from tenants.catalog.services import SkuInput, product_put_on_sale

# Per template: category -> [(title, subtitle, spec name, [(option, price in fen)])].
PRODUCTS: dict[str, dict[str, list[tuple[str, str, str, list[tuple[str, int]]]]]] = {
    "beauty": {
        "面部护理": [
            ("玻尿酸保湿面霜", "深层补水 敏感肌可用", "规格", [("50ml", 19900), ("100ml", 29900)]),
            ("氨基酸洁面乳", "温和清洁 不紧绷", "规格", [("120g", 5900)]),
            ("烟酰胺精华液", "提亮肤色 淡化痘印", "规格", [("30ml", 16900), ("50ml", 23900)]),
            ("修护舒缓面膜", "5片装 急救补水", "规格", [("5片", 8900), ("10片", 15900)]),
            ("水杨酸爽肤水", "控油收毛孔", "规格", [("200ml", 7900)]),
            ("视黄醇晚霜", "紧致抗初老", "规格", [("30g", 25900)]),
            ("清透防晒乳 SPF50+", "轻薄不油腻 通勤户外", "规格", [("40ml", 9900), ("60ml", 13900)]),
            ("眼部精华霜", "淡化细纹黑眼圈", "规格", [("15g", 18900)]),
        ],
        "彩妆": [
            ("丝绒哑光口红", "显白不拔干", "色号", [("正红", 12900), ("豆沙", 12900), ("枫叶", 12900)]),
            ("水光唇釉", "镜面光泽 持久不沾杯", "色号", [("蜜桃", 9900), ("玫瑰", 9900)]),
            ("持妆粉底液", "24小时控油持妆", "色号", [("象牙白", 21900), ("自然色", 21900)]),
            ("四色眼影盘", "大地色 日常百搭", "色系", [("大地", 15900), ("蜜桃", 15900)]),
            ("防水眼线笔", "极细笔头 不晕染", "颜色", [("黑色", 6900), ("棕色", 6900)]),
            ("定妆散粉", "柔焦控油", "规格", [("10g", 11900)]),
            ("卷翘睫毛膏", "纤长浓密 不结块", "规格", [("8g", 8900)]),
            ("腮红膏", "自然好气色", "色号", [("杏粉", 7900), ("橘调", 7900)]),
        ],
        "香氛": [
            ("白茶淡香水", "清新茶香 温柔耐闻", "规格", [("30ml", 29900), ("50ml", 42900)]),
            ("玫瑰香薰蜡烛", "天然大豆蜡 助眠", "规格", [("200g", 12900)]),
            ("木质调香水", "沉稳雪松 中性香", "规格", [("50ml", 45900)]),
            ("车载香薰", "持久留香 可替换", "香型", [("海盐", 5900), ("青柠", 5900)]),
            ("香氛护手霜礼盒", "三支装 送礼佳选", "规格", [("3支", 9900)]),
        ],
        "身体护理": [
            ("烟酰胺身体乳", "滋润提亮 秋冬必备", "规格", [("250ml", 8900), ("400ml", 12900)]),
            ("海盐磨砂膏", "去角质 细腻肌肤", "规格", [("300g", 7900)]),
            ("氨基酸沐浴露", "温和洁净 留香", "规格", [("500ml", 6900)]),
            ("护手霜", "不油腻 快速吸收", "规格", [("50g", 3900)]),
            ("头皮护理洗发水", "控油蓬松", "规格", [("400ml", 9900)]),
            ("润唇膏", "无色滋润", "规格", [("4g", 2900)]),
            ("止汗喷雾", "清爽一整天", "规格", [("150ml", 4900)]),
        ],
    },
    "fresh_produce": {
        "时令水果": [
            ("赣南脐橙", "现摘现发 果园直供", "规格", [("5斤", 3990), ("10斤", 6990)]),
            ("阳光玫瑰葡萄", "脆甜无籽", "规格", [("2斤", 5990)]),
            ("海南贵妃芒", "香甜多汁", "规格", [("3斤", 3590), ("5斤", 5590)]),
            ("烟台红富士苹果", "脆甜可口", "规格", [("5斤", 3290), ("10斤", 5990)]),
            ("丹东草莓", "当季鲜采", "规格", [("2斤", 6990)]),
            ("四川爱媛果冻橙", "爆汁细嫩", "规格", [("5斤", 4590)]),
            ("新疆库尔勒香梨", "皮薄汁多", "规格", [("5斤", 3990)]),
            ("云南蓝莓", "鲜果125g×4盒", "规格", [("4盒", 5990)]),
        ],
        "新鲜蔬菜": [
            ("有机菠菜", "当日采摘", "规格", [("500g", 890), ("1kg", 1590)]),
            ("山东铁棍山药", "粉糯香甜", "规格", [("2.5斤", 2990)]),
            ("云南小番茄", "酸甜爆汁", "规格", [("3斤", 1990)]),
            ("水果玉米", "可生吃 脆甜", "规格", [("6根", 2490)]),
            ("有机西兰花", "鲜嫩翠绿", "规格", [("500g", 1290)]),
            ("沙地红薯", "软糯香甜", "规格", [("5斤", 1990)]),
            ("贝贝南瓜", "板栗口感", "规格", [("5斤", 2990)]),
        ],
        "肉禽蛋品": [
            ("散养土鸡蛋", "农家散养 30枚", "规格", [("30枚", 3990)]),
            ("黑猪五花肉", "肥瘦相间", "规格", [("500g", 4590), ("1kg", 8590)]),
            ("内蒙古羊肉卷", "涮火锅必备", "规格", [("500g", 5990)]),
            ("三黄鸡", "整只 约1.2kg", "规格", [("1只", 4990)]),
            ("原切牛腱子", "卤煮佳品", "规格", [("1kg", 10990)]),
            ("鸡胸肉", "低脂高蛋白", "规格", [("1kg", 2990)]),
        ],
        "海鲜水产": [
            ("鲜活基围虾", "冰鲜直发", "规格", [("500g", 6990)]),
            ("阳澄湖大闸蟹", "公3.5两母2.5两 8只", "规格", [("8只", 29900)]),
            ("舟山带鱼段", "肉厚刺少", "规格", [("1kg", 5990)]),
            ("挪威三文鱼", "刺身级 冰鲜", "规格", [("300g", 8990)]),
            ("青岛鲜鲍鱼", "10头装", "规格", [("10只", 7990)]),
            ("大连海参", "即食 500g", "规格", [("500g", 39900)]),
            ("扇贝肉", "去壳鲜冻", "规格", [("500g", 3990)]),
            ("黄花鱼", "整条 2条装", "规格", [("2条", 4590)]),
        ],
    },
}


def _picture(title: str, colours: tuple[str, str], seed: int) -> SimpleUploadedFile:
    """A square picture: a diagonal gradient between the template's two colours and the product's name."""
    rng = random.Random(seed)  # noqa: S311 - pictures, not secrets
    size = 640
    top, bottom = Image.new("RGB", (size, size), colours[0]), Image.new("RGB", (size, size), colours[1])
    mask = Image.linear_gradient("L").resize((size, size)).rotate(rng.choice((30, 45, 60, 135)))
    image = Image.composite(top, bottom, mask)
    draw = ImageDraw.Draw(image)
    for _n in range(5):  # soft circles, so no two pictures look alike
        x, y, r = rng.randrange(size), rng.randrange(size), rng.randrange(40, 160)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=(255, 255, 255), width=3)
    name = title[:6]
    font = cjk_font(76 if len(name) <= 4 else 60)
    width = draw.textlength(name, font=font)
    draw.text(((size - width) / 2, size / 2 - 50), name, font=font, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return SimpleUploadedFile(f"demo-{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


def catalog_seed(*, template_code: str, theme: dict) -> int:
    """The template's categories and their products (stock for a season of orders); returns how many products
    were made. Products already there (by title) are left alone, so it can run again."""
    made = 0
    colours = (theme.get("primary", "#e8547a"), theme.get("accent", "#f7b5c6"))
    for position, (category_name, products) in enumerate(PRODUCTS.get(template_code, {}).items(), start=1):
        category = Category.objects.filter(parent=None, name=category_name).first() or category_save(
            category=None, name=category_name, parent_id=None, sort_order=position * 10)
        for title, subtitle, spec, options in products:
            if Product.objects.filter(title=title).exists():
                continue
            skus = [SkuInput(spec_values={spec: option}, price_fen=price, original_price_fen=price * 5 // 4,
                             stock=600, weight_g=500) for option, price in options]
            product = product_save(product=None, title=title, subtitle=subtitle, description=f"{title}，{subtitle}。",
                                   category_ids=[category.pk], tags=[category_name], specs=[(spec, [o for o, _p in
                                                                                                   options])],
                                   skus=skus, actor="demo")
            product_images_add(product=product, uploads=[_picture(title, colours, product.pk),
                                                         _picture(title, colours[::-1], product.pk + 7919)])
            product_put_on_sale(product=product)
            made += 1
    return made
