"""Rules on WeChat's operating rules, the mini-program platform and the e-commerce law."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from shopbuilder.bundle import format as fmt
from shopbuilder.bundle.lint.registry import LintContext, Rule, rule
from shopbuilder.bundle.lint.rules_catalog import campaign_texts
from shopbuilder.core.errors import ValidationError
from shopbuilder.core.findings import Finding, Severity
from shopbuilder.i18n import N_, _

TAB_MIN, TAB_MAX, TAB_LABEL_MAX = 2, 5, 4
SHARE_RATIO = 5 / 4
SHARE_RATIO_TOLERANCE = 0.02
SCENE_MAX = 32
SCENE_RE = re.compile(r"^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+\Z")
INDUCEMENT_RE = re.compile(
    r"必转|转发.{0,8}群|分享后解锁|分享.{0,4}解锁|分享到朋友圈.{0,6}领|转发到朋友圈.{0,6}领"
    r"|不转不是|转发.{0,6}(领|送|得)")
SHARE_ONLY_RE = re.compile(r"红包")


def share_titles(ctx: LintContext) -> Iterator[tuple[str, str]]:
    yield "shop.share.title", ctx.doc(fmt.SHOP).get("share", {}).get("title", "")
    for key, page in ctx.pages():
        yield f"pages.{key}.share_title", page.get("share_title", "")
    for name, key in ((fmt.GROUP_BUYS, "group_buys"), (fmt.BARGAINS, "bargains"),
                      (fmt.FLASH_SALES, "flash_sales")):
        for i, item in enumerate(ctx.items(name, key)):
            if isinstance(item.get("share_title"), str):
                yield f"{key}[{i}].share_title", item["share_title"]


@rule("wechat.inducement", Severity.ERROR, N_("WeChat rules"),
      N_("Share titles and campaign copy must not induce sharing (必转, 转发给…群, 分享后解锁, "
         "分享到朋友圈领…, 不转不是…, 红包 in a share title)."))
def inducement(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    seen: set[str] = set()
    for loc, text in [*share_titles(ctx), *campaign_texts(ctx)]:
        if loc in seen or not text:
            continue
        seen.add(loc)
        match = INDUCEMENT_RE.search(text)
        if match is None and loc.endswith(("share_title", "share.title")):
            match = SHARE_ONLY_RE.search(text)
        if match:
            yield r.finding(loc, _("{phrase!r} induces sharing, which WeChat forbids").format(
                phrase=match.group()))


UNLOCK_KEYS = re.compile(r"unlock|share_to_(get|unlock|claim)|share_first|share_reward")


def _unlock_settings(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            if UNLOCK_KEYS.search(str(k)) and v not in (False, None, 0, "", [], {}):
                yield f"{path}.{k}"
            else:
                yield from _unlock_settings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _unlock_settings(v, f"{path}[{i}]")


@rule("wechat.unlock_by_sharing", Severity.ERROR, N_("WeChat rules"),
      N_("Nothing may be unlocked or rewarded by sharing (a feature, coupon or price behind "
         "'share first')."))
def unlock_by_sharing(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    for name, doc in sorted(ctx.docs.items()):
        if name == fmt.MANIFEST:
            continue
        root = name.removesuffix(".json").split("/")[-1]
        for loc in _unlock_settings(doc, root):
            yield r.finding(loc, _("an 'unlock by sharing' setting is on; WeChat forbids it"))
    state = ctx.state
    if state is not None:
        for loc in _unlock_settings(state.shop.settings or {}, "shop.settings"):
            yield r.finding(loc, _("an 'unlock by sharing' setting is on; WeChat forbids it"))


@rule("platform.tab_count", Severity.ERROR, N_("platform"),
      N_("The tab bar has 2 to 5 tabs."))
def tab_count(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    tab_bar = ctx.doc(fmt.APP).get("tabBar")
    n = len(tab_bar.get("list", [])) if isinstance(tab_bar, dict) else 0
    if tab_bar is not None and not TAB_MIN <= n <= TAB_MAX:
        yield r.finding("tab_bar", _("the tab bar has {lo} to {hi} tabs, this one {n}").format(
            lo=TAB_MIN, hi=TAB_MAX, n=n))


@rule("platform.tab_label", Severity.ERROR, N_("platform"),
      N_("A tab label is at most 4 characters."))
def tab_label(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    tab_bar = ctx.doc(fmt.APP).get("tabBar") or {}
    for i, tab in enumerate(tab_bar.get("list", [])):
        text = tab.get("text", "")
        if len(text) > TAB_LABEL_MAX:
            yield r.finding(f"tab_bar[{i}].label", _(
                "the tab label {label!r} has {n} characters; at most {max}").format(
                label=text, n=len(text), max=TAB_LABEL_MAX))


@rule("platform.share_ratio", Severity.WARNING, N_("platform"),
      N_("The share card image is shown at 5:4; other shapes are cropped."))
def share_ratio(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    sha = ctx.doc(fmt.SHOP).get("share", {}).get("image")
    size = ctx.asset_size(sha) if sha else None
    if size and size[1] and abs(size[0] / size[1] - SHARE_RATIO) > SHARE_RATIO_TOLERANCE:
        yield r.finding("shop.share.image", _(
            "the share image is {w}×{h}; WeChat shows it at 5:4 (e.g. 500×400)").format(
            w=size[0], h=size[1]))


def scene_problem(scene: str) -> str | None:
    """Why WeChat would refuse a QR scene, or None. The posters package owns scenes;
    this defers to its validator when it is installed."""
    try:
        from shopbuilder.posters.qr import validate_scene
    except ImportError:
        if len(scene) > SCENE_MAX:
            return _("the QR scene {scene!r} has {n} characters; at most {max}").format(
                scene=scene, n=len(scene), max=SCENE_MAX)
        if not SCENE_RE.match(scene):
            return _("the QR scene {scene!r} has characters WeChat does not allow").format(
                scene=scene)
        return None
    try:
        validate_scene(scene)
    except ValidationError as exc:
        return exc.issues[0].message
    return None


def product_scene(slug: str, code: str) -> str:
    try:
        from shopbuilder.posters.qr import KINDS, short_id
    except ImportError:
        return f"{slug}.p{code}"
    return f"{slug}.{KINDS['product']}{short_id(code)}"


@rule("platform.qr_scene", Severity.ERROR, N_("platform"),
      N_("A poster QR scene is at most 32 characters of [0-9A-Za-z!#$&'()*+,/:;=?@-._~]."))
def qr_scene(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    slug = ctx.slug
    if not slug:
        return
    problem = scene_problem(f"{slug}.s")
    if problem:  # the shop id itself breaks every scene: say it once
        yield r.finding("shop.slug", problem)
        return
    for i, p in enumerate(ctx.items(fmt.PRODUCTS, "products")):
        problem = scene_problem(product_scene(slug, str(p.get("code", ""))))
        if problem:
            yield r.finding(f"products[{i}].code", problem)


@rule("platform.page_path", Severity.ERROR, N_("platform"),
      N_("Page paths in app.json have no leading '/' (share paths do)."))
def page_path(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    app = ctx.doc(fmt.APP)
    for i, path in enumerate(app.get("pages", [])):
        if str(path).startswith("/"):
            yield r.finding(f"app.pages[{i}]", _("{path!r} starts with '/'").format(path=path))
    for i, tab in enumerate((app.get("tabBar") or {}).get("list", [])):
        if str(tab.get("pagePath", "")).startswith("/"):
            yield r.finding(f"tab_bar[{i}].page", _("{path!r} starts with '/'").format(
                path=tab.get("pagePath")))


@rule("law.licence_home", Severity.WARNING, N_("e-commerce law"),
      N_("The home page has no business licence (营业执照) entry (电子商务法 第十五条)."))
def licence_home(ctx: LintContext, r: Rule) -> Iterator[Finding]:
    homes = [(k, p) for k, p in ctx.pages() if p.get("kind") == "home"]
    licence = ctx.doc(fmt.SHOP).get("licence", {})
    for key, page in homes or [("home", {})]:
        has_entry = any(isinstance(c, dict) and c.get("type") == "licence"
                        for c in page.get("components", []))
        if not has_entry or not licence.get("company"):
            yield r.finding(f"pages.{key}.components", _(
                "no business licence (营业执照) entry on the home page"))
