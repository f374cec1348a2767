"""The desk's user interface in Chinese (default) and English.

Every string a page, the review record or the exposure graph shows goes through `t(key, lang)`,
so a missing translation is a test failure rather than a half-English page. Category, layer,
severity and verdict names come from `report.labels`, the same words the scan reports use.
The chosen language is kept in a cookie (`LANG_COOKIE`), never in the account: a shared
workstation switches per browser.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..report.labels import category_label, fix_label, layer_label, severity_label, verdict_label

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_COOKIE = "mg_lang"

#: key -> (zh, en). Placeholders use str.format names: `{n}`, `{name}`.
CATALOGUE: dict[str, tuple[str, str]] = {
    # frame
    "app.title": ("保密审查台", "Review desk"),
    "app.tagline": ("发布前保密审查：先审后发", "Pre-publication review: review first, publish after"),
    "nav.drafts": ("稿件", "Drafts"),
    "nav.upload": ("提交稿件", "Submit drafts"),
    "nav.logout": ("退出", "Log out"),
    "nav.language": ("语言", "Language"),
    "nav.skip": ("跳到正文", "Skip to content"),
    "lang.zh": ("中文", "中文"),
    "lang.en": ("English", "English"),
    "user.signed_in_as": ("当前用户：{name}（{role}）", "Signed in as {name} ({role})"),
    "role.submitter": ("提交人", "submitter"),
    "role.reviewer": ("审查人", "reviewer"),
    "role.approver": ("审批人", "approver"),
    "role.admin": ("管理员", "admin"),
    # login
    "login.title": ("登录", "Log in"),
    "login.username": ("用户名", "User name"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.failed": ("用户名或密码错误。", "Wrong user name or password."),
    "login.locked": ("登录失败次数过多，账号已暂时锁定，请稍后再试。",
                     "Too many failed attempts: the account is locked for a while. Try again later."),
    # errors
    "error.title": ("出错了", "Something went wrong"),
    "error.csrf": ("表单已过期或来源不明，请刷新页面后重试。",
                   "The form expired or did not come from this site: reload the page and try again."),
    "error.forbidden": ("无权执行此操作。", "You may not do this."),
    "error.not_found": ("未找到该稿件。", "No such draft."),
    "error.back": ("返回稿件列表", "Back to the drafts"),
    # drafts list
    "drafts.title": ("稿件", "Drafts"),
    "drafts.mine": ("我提交的稿件", "My drafts"),
    "drafts.all": ("全部稿件", "All drafts"),
    "drafts.empty": ("暂无稿件。", "No drafts yet."),
    "drafts.name": ("文件", "File"),
    "drafts.profile": ("发布类型", "Kind of publication"),
    "drafts.submitter": ("提交人", "Submitted by"),
    "drafts.submitted": ("提交时间", "Submitted"),
    "drafts.status": ("状态", "Status"),
    "drafts.findings": ("问题", "Findings"),
    "drafts.verdict": ("结论", "Verdict"),
    "drafts.open": ("打开", "Open"),
    # statuses of a job
    "status.queued": ("排队中", "queued"),
    "status.running": ("检查中", "running"),
    "status.done": ("已完成", "done"),
    "status.failed": ("失败", "failed"),
    # upload
    "upload.title": ("提交稿件", "Submit drafts"),
    "upload.files": ("待发布文件（可多选）", "Files to publish (one or more)"),
    "upload.profile": ("发布类型", "Kind of publication"),
    "upload.submit": ("提交审查", "Submit for review"),
    "upload.limits": ("每次最多 {count} 个文件，每个不超过 {mb} MB；文件类型按内容判断，不看扩展名。",
                      "At most {count} files, {mb} MB each; the kind of file is read from its content, not its name."),
    "upload.refused": ("未接收：{name}：{reason}", "Refused: {name}: {reason}"),
    "upload.none": ("请选择至少一个文件。", "Choose at least one file."),
    "profile.procurement-notice": ("采购公告", "procurement notice"),
    "profile.construction-notice": ("工程建设公告", "construction notice"),
    "profile.archive-release": ("档案开放", "archive release"),
    "profile.press-release": ("新闻稿", "press release"),
    "profile.social-post": ("社交媒体帖文", "social post"),
    # progress
    "progress.title": ("检查进度", "Checking"),
    "progress.intro": ("以下稿件正在后台检查，本页会自动刷新状态；也可以离开本页，稍后在稿件列表中查看。",
                       "These drafts are checked in the background; this page updates by itself. You may leave "
                       "and come back from the drafts list."),
    "progress.failed_reason": ("失败原因：{reason}", "Failed: {reason}"),
    "progress.retry": ("重新检查", "Check again"),
    "progress.review": ("查看结果", "See the result"),
    # review
    "review.title": ("审查：{name}", "Review: {name}"),
    "review.identity": ("文件信息", "The file"),
    "review.sha256": ("SHA-256", "SHA-256"),
    "review.media_type": ("文件类型", "Kind of file"),
    "review.profile": ("发布类型", "Kind of publication"),
    "review.submitted_by": ("提交人", "Submitted by"),
    "review.pages": ("问题在文件中的位置", "Where the findings are"),
    "review.page": ("第 {n} 页", "Page {n}"),
    "review.page_alt": ("第 {n} 页，红框标出 {count} 处问题（默认遮盖）",
                        "Page {n}, {count} findings framed in red (masked by default)"),
    "review.reveal": ("显示原文", "Show the values"),
    "review.mask": ("遮盖原文", "Mask the values"),
    "review.masked_note": ("问题内容默认遮盖显示。", "Findings are masked by default."),
    "review.text_part": ("文本：{part}", "Text: {part}"),
    "review.elsewhere": ("不在页面上的问题（元数据、隐藏内容、历史版本等）",
                         "Findings not on a page (metadata, hidden parts, earlier revisions...)"),
    "review.findings": ("问题清单（{n}）", "Findings ({n})"),
    "review.no_findings": ("未发现问题。", "No findings."),
    "review.category": ("类别", "Category"),
    "review.severity": ("级别", "Severity"),
    "review.layer": ("位置层", "Layer"),
    "review.location": ("位置", "Where"),
    "review.value": ("内容（遮盖）", "Value (masked)"),
    "review.fix": ("建议修改", "Suggested fix"),
    "review.decision": ("处理决定", "Decision"),
    "review.reason": ("理由", "Reason"),
    "review.reason_required": ("“接受风险”必须填写理由。", "An accepted risk needs a reason."),
    "review.fp_hint": ("标为“误报”的问题加入该发布类型的基线，以后的检查不再报告（计入“基线已接受”）。",
                       "A false positive joins the profile's baseline: later checks hide it (counted as baseline)."),
    "review.save_decisions": ("保存处理决定", "Save the decisions"),
    "review.decided": ("已保存 {n} 项处理决定。", "{n} decisions saved."),
    "review.undecided": ("尚有 {n} 项未处理。", "{n} findings still undecided."),
    "decision.none": ("未处理", "not decided"),
    "decision.must_fix": ("必须修改", "must fix"),
    "decision.accepted_risk": ("接受风险", "accepted risk"),
    "decision.false_positive": ("误报", "false positive"),
    "review.exposures": ("聚合暴露（{n}）", "Exposures by aggregation ({n})"),
    "review.no_exposures": ("与公开语料比对，未发现新的聚合暴露。",
                            "Compared with the public corpus: no new exposure by aggregation."),
    "review.no_corpus": ("未配置公开语料索引，未做聚合比对。",
                         "No public corpus index is configured: aggregation was not checked."),
    "review.sanitise": ("生成净化副本", "Make the sanitised copy"),
    "review.sanitised": ("净化副本", "Sanitised copy"),
    "review.download_sanitised": ("下载净化副本", "Download the sanitised copy"),
    "review.rescan": ("净化后复查：{n} 项残留问题", "Re-scan of the sanitised copy: {n} findings left"),
    "review.rescan_clean": ("净化后复查：无残留问题", "Re-scan of the sanitised copy: nothing left"),
    "review.verdict": ("审批", "Verdict"),
    "review.approve": ("批准发布", "Approve"),
    "review.return": ("退回修改", "Return"),
    "review.verdict_reason": ("意见（退回时必填）", "Reasons (required to return)"),
    "review.own_draft": ("提交人不能审批自己的稿件。", "The submitter cannot decide on their own draft."),
    "review.record": ("审查记录", "Review record"),
    "review.record_html": ("导出审查记录（HTML）", "Export the record (HTML)"),
    "review.record_pdf": ("导出审查记录（PDF）", "Export the record (PDF)"),
    "review.publish": ("加入公开语料", "Add to the public corpus"),
    "review.published": ("已加入公开语料。", "Added to the public corpus."),
    "review.not_done": ("检查尚未完成。", "The check has not finished."),
    "review.unchecked": ("该文件未能完整检查：{reason}", "The file could not be checked in full: {reason}"),
    "review.notes": ("需人工核对", "Check by hand"),
    "verdict.approved": ("已批准", "approved"),
    "verdict.returned": ("已退回", "returned"),
    "verdict.pending": ("待审批", "pending"),
    # exposure graph
    "graph.title": ("聚合暴露图", "Exposure graph"),
    "graph.draft": ("本稿件", "this draft"),
    "graph.public": ("公开文件", "public document"),
    "graph.entity": ("关联对象", "linked subject"),
    "graph.combination": ("禁止的组合：{rule}", "Forbidden combination: {rule}"),
    "graph.fix": ("最小修改：删除 {value}", "Minimal fix: remove {value}"),
    "graph.new": ("新增暴露", "new exposure"),
    "graph.known": ("已公开", "already public"),
    "graph.legend": ("图例", "Legend"),
    "graph.desc": ("{entity} 的 {rule} 可由 {docs} 份文件合并推断",
                   "{rule} of {entity} inferable from {docs} documents"),
    "attr.location": ("地点", "location"),
    "attr.purpose": ("用途", "purpose"),
    "attr.schedule": ("时间", "schedule"),
    "attr.quantity": ("数量", "quantity"),
    "attr.unit": ("单位", "unit"),
    "attr.code": ("编号", "code"),
    # record
    "record.title": ("保密审查记录", "Confidentiality review record"),
    "record.generated": ("生成时间：{when}", "Generated {when}"),
    "record.document": ("送审文件", "The document"),
    "record.findings": ("发现的问题及处理决定", "Findings and decisions"),
    "record.decided_by": ("决定人", "Decided by"),
    "record.decided_at": ("时间", "When"),
    "record.exposures": ("聚合暴露", "Exposures by aggregation"),
    "record.sanitised": ("净化副本", "Sanitised copy"),
    "record.no_sanitised": ("未生成净化副本。", "No sanitised copy was made."),
    "record.verdict": ("审批结论", "Verdict"),
    "record.no_verdict": ("尚未审批。", "No verdict yet."),
    "record.audit": ("操作记录（审计链）", "Audit trail"),
    "record.audit_when": ("时间", "When"),
    "record.audit_who": ("操作人", "Who"),
    "record.audit_what": ("操作", "Action"),
    "record.audit_from": ("来源地址", "From"),
    "record.audit_detail": ("内容", "Detail"),
    "record.audit_hash": ("链哈希", "Chain hash"),
    "record.pages": ("页面标注（问题已遮盖）", "Marked pages (findings masked)"),
    "record.masked_note": ("本记录中所有问题内容均已遮盖。", "Every finding value in this record is masked."),
    "common.yes": ("是", "yes"),
    "common.no": ("否", "no"),
    "common.none": ("无", "none"),
    "common.reason": ("理由", "Reason"),
    "common.by": ("由", "by"),
}


def normalise_lang(value: str | None) -> str:
    """A supported language code from a cookie or form value; anything else is the default."""
    if value:
        code = value.strip().lower()[:2]
        if code in LANGS:
            return code
    return DEFAULT_LANG


def t(key: str, lang: str, **values: Any) -> str:
    """The text of `key` in `lang`, with `{name}` placeholders filled. An unknown key raises
    KeyError: a page must never show a raw key to a user (tests render every template)."""
    zh, en = CATALOGUE[key]
    text = en if normalise_lang(lang) == "en" else zh
    return text.format(**values) if values else text


def translator(lang: str) -> Callable[..., str]:
    """`t` bound to one language, for templates (`{{ t("review.title", name=...) }}`)."""

    def _t(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    return _t


def label_functions(lang: str) -> dict[str, Callable[[str], str]]:
    """The report's own label tables bound to `lang`: categories, layers, severities, verdicts, fixes."""
    return {
        "category_label": lambda key: category_label(key, lang),
        "layer_label": lambda key: layer_label(key, lang),
        "severity_label": lambda key: severity_label(key, lang),
        "verdict_label": lambda key: verdict_label(key, lang),
        "fix_label": lambda key: fix_label(key, lang),
        "profile_label": lambda key: profile_label(key, lang),
    }


def profile_label(profile: str, lang: str) -> str:
    """A profile's display name; a profile the catalogue does not know is shown as named."""
    key = f"profile.{profile}"
    return t(key, lang) if key in CATALOGUE else profile
