"""Per-detector tables of positives (text, expected match) and negatives (text that must stay
quiet), beyond each detector's own samples: the decoys of DOMAIN.md, checksum near-misses,
order numbers, amounts, dates, tender numbers, prose about secrets. Run on both engines."""

from __future__ import annotations

import pytest

from detect.helpers import ENGINES, matches, scan_text
from mosaicguard.model import Layer, Severity

POSITIVES: dict[str, list[tuple[str, str]]] = {
    "marking": [
        ("机密★10年", "机密★10年"),
        ("  绝密★长期  \n正文", "绝密★长期"),
        ("秘密★6个月", "秘密★6个月"),
        ("秘密 ★ 1年", "秘密 ★ 1年"),
        ("机密★至2027年6月30日", "机密★至2027年6月30日"),
        ("绝　密\n", "绝　密"),
        ("机   密", "机   密"),
        ("【秘密】", "秘密"),
        ("秘密    关于某工程的通知", "秘密"),
        ("内部资料，注意保存", "内部资料，注意保存"),
        ("仅供内部使用", "仅供内部使用"),
        ("敏感", "敏感"),
        ("内部\n会议纪要", "内部"),
        ("TOP SECRET", "TOP SECRET"),
        ("TOP SECRET//SI//NOFORN", "TOP SECRET//SI//NOFORN"),
        ("SECRET", "SECRET"),
        ("header SECRET//REL TO USA, GBR", "SECRET//REL TO USA, GBR"),
        ("RESTRICTED", "RESTRICTED"),
        ("CONFIDENTIAL - do not forward", "CONFIDENTIAL"),
        ("THIS DOCUMENT IS SECRET", "SECRET"),
        ("FOUO", "FOUO"),
        ("Handling: FOR OFFICIAL USE ONLY", "FOR OFFICIAL USE ONLY"),
        ("CUI//SP-PRVCY", "CUI//SP-PRVCY"),
        ("(C) Troop strength is 400.", "(C)"),
        ("(U) General background.", "(U)"),
        ("Strictly Confidential", "Strictly Confidential"),
    ],
    "coordinates": [
        ("位置 31.230416, 121.473701", "31.230416, 121.473701"),
        ("GPS: -33.8688, 151.2093", "-33.8688, 151.2093"),
        ("S33.8688° E151.2093°", "S33.8688° E151.2093°"),
        ("33°52′08″S 151°12′33″E", "33°52′08″S 151°12′33″E"),
        ("北纬39°54′15″，东经116°24′27″", "北纬39°54′15″，东经116°24′27″"),
        ("东经116.4074度", "东经116.4074度"),
        ("纬度：39.904211", "39.904211"),
        ("longitude=116.407395", "116.407395"),
        ("场址 39.904211，116.407395。", "39.904211，116.407395"),
    ],
    "unit_designator": [
        ("中国人民解放军９５８５０部队", "中国人民解放军９５８５０部队"),
        ("解放军 63650 部队", "解放军 63650 部队"),
        ("武警 8680 部队", "武警 8680 部队"),
        ("中国人民武装警察部队32111部队", "中国人民武装警察部队32111部队"),
    ],
    "credential": [
        ("PASSWORD: Tr0ub4dor&3", "Tr0ub4dor&3"),
        ('"password": "n0t-a-placeholder"', "n0t-a-placeholder"),
        ("初始密码为abc12345，首次登录后修改", "abc12345"),
        ("口令：Qwe!2345", "Qwe!2345"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----"),
        ("-----BEGIN PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----"),
        ("token = ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
        ("client_secret: 7fG2kP9xQ4mZ8wR1tY6u", "7fG2kP9xQ4mZ8wR1tY6u"),
        ("mysql://root:p4ssw0rd@db.example.com/app", "mysql://root:p4ssw0rd@db.example.com"),
        ("SecretId: AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"),
    ],
    "internal_network": [
        ("10.0.0.1", "10.0.0.1"),
        ("见 172.31.255.254。", "172.31.255.254"),
        ("192.168.0.0/16", "192.168.0.0/16"),
        ("db.prod.internal:5432", "db.prod.internal"),
        ("wiki.lan", "wiki.lan"),
        ("https://vpn.example.com/remote", "https://vpn.example.com"),
        (r"\\10.1.1.5\部门共享\2026", r"\\10.1.1.5\部门共享\2026"),
        ("/home/zhangwei/projects/plan.txt", "/home/zhangwei/projects/plan.txt"),
        ("MAC 00-1A-2B-3C-4D-5E", "00-1A-2B-3C-4D-5E"),
        ("0011.2233.4455", "0011.2233.4455"),
    ],
    "phone": [
        ("联系电话：0551-65432109", "0551-65432109"),
        ("手机 139-1234-5678", "139-1234-5678"),
        ("（010）62345678", "（010）62345678"),
        ("+86 186 0000 1234", "+86 186 0000 1234"),
    ],
    "cn_id": [
        ("身份证 110105 19491231 002X", "110105 19491231 002X"),
        ("证件号码：11010519491231002x", "11010519491231002x"),
    ],
    "bank_card": [
        ("银行卡号 4111 1111 1111 1111", "4111 1111 1111 1111"),
        ("账号：6222021234567890128", "6222021234567890128"),
    ],
    "email": [("邮箱：li.na@mail.example.com。", "li.na@mail.example.com")],
    "passport": [("护照号 G12345678", "G12345678")],
    "protected_term": [("關於７３０１　工程", "７３０１　工程"), ("project-falcon", "project-falcon")],
}

NEGATIVES: dict[str, list[str]] = {
    "marking": [
        "秘书长出席会议。",
        "本项目须签订保密协议，并遵守保密规定。",
        "Bids are kept confidential until opening.",
        "The company keeps its recipe a secret.",
        "泄露机密是严重违法行为。",
        "机密性、完整性和可用性是信息安全的三要素。",
        "秘密地离开了。",
        "内部审计报告已公开。",
        "敏感度分析表明",
        "Top secret recipes revealed in new cookbook.",
        "Confidential information shall be handled with care.",
        "(a) first item\n(b) second item\n(c) third item",
        "The CUI program office",
        "工作秘密的界定见第三条。",
    ],
    "coordinates": [
        "汇率 7.1234, 7.2345",
        "1.234, 2.345, 3.456, 4.567",
        "version 12.345, 13.456",
        "Score 99.5, 98.7",
        "北纬95.1234度",
        "功率 12.50 W",
        "型号 N12.345",
        "2026.01.15, 2026.02.15",
    ],
    "unit_designator": ["61XXX部队", "６１×××部队", "全体部队官兵", "2026年部队", "1234部队"],
    "credential": [
        "password: <password>",
        "Password=xxxxxx",
        "密码：******",
        "请输入密码：",
        "口令由系统随机生成",
        "api_key: YOUR_API_KEY_HERE",
        "token: ${TOKEN}",
        "postgres://user:****@host/db",
        "The password policy requires 12 characters.",
        "secret: abcdefghijklmnopqrstuvwxyz",
    ],
    "internal_network": [
        "8.8.8.8",
        "公网地址 114.114.114.114",
        "Windows 10.0.19045.3693",
        "版本号 10.1.2.3",
        "172.32.0.1",
        "192.169.1.1",
        "the local office",
        "www.example.com",
        "org.apache.internal.Foo",
        "C:\\Program Files\\App",
        "MAC 00:00:00:00:00:00",
        "时间 12:30:45",
    ],
    "phone": [
        "订单号 202601150001234567",
        "金额 12345678901 元",
        "招标编号 ZB-2026-7301",
        "日期 2026-01-15",
        "身份证 11010519491231002X",
        "卡号 6222 0212 3456 7890 128",
    ],
    "cn_id": ["订单号 110105194912310021", "110105194913310028", "1101051949123100201"],
    "bank_card": ["订单号 1234567812345678", "身份证号 11010519491231002X", "0000 0000 0000 0000"],
    "email": ["user at example dot com", "@handle", "name@localhost"],
    "passport": ["E12345678", "Model E12345678 pump"],
    "protected_term": ["7302工程", "Project Falconry", "红星"],
}

POS = [pytest.param(cat, text, want, id=f"{cat}+{i}") for cat, rows in POSITIVES.items()
       for i, (text, want) in enumerate(rows)]
NEG = [pytest.param(cat, text, id=f"{cat}-{i}") for cat, rows in NEGATIVES.items() for i, text in enumerate(rows)]


@pytest.mark.parametrize("kind", ENGINES)
@pytest.mark.parametrize(("category", "text", "want"), POS)
def test_positive(kind: str, category: str, text: str, want: str) -> None:
    assert want in matches(text, category, kind), matches(text, category, kind)


@pytest.mark.parametrize("kind", ENGINES)
@pytest.mark.parametrize(("category", "text"), NEG)
def test_negative(kind: str, category: str, text: str) -> None:
    assert matches(text, category, kind) == []


@pytest.mark.parametrize(
    ("text", "severity"),
    [("绝密★长期", Severity.CRITICAL), ("机密★10年", Severity.CRITICAL), ("秘密★", Severity.HIGH),
     ("内部使用", Severity.MEDIUM), ("TOP SECRET", Severity.CRITICAL), ("SECRET", Severity.HIGH),
     ("FOUO", Severity.MEDIUM), ("(TS) text", Severity.CRITICAL), ("(U) text", Severity.LOW)],
)
def test_marking_severity_follows_level(text: str, severity: Severity) -> None:
    (finding,) = [f for f in scan_text(text, "hyperscan") if f.category == "marking"]
    assert finding.severity == severity


def test_marking_in_header_layer_is_a_label_even_mid_line() -> None:
    text = "机密 第1页 共3页"
    assert matches(text, "marking", layer=Layer.HEADER) == ["机密"]
    assert matches("某单位机密", "marking", layer=Layer.HEADER) == []


def test_default_severities() -> None:
    expected = {"coordinates": Severity.HIGH, "unit_designator": Severity.HIGH, "internal_network": Severity.MEDIUM}
    for category, severity in expected.items():
        text = POSITIVES[category][0][0]
        (finding,) = [f for f in scan_text(text) if f.category == category]
        assert finding.severity == severity
    sev = {f.match: f.severity for f in scan_text("password=Tr0ub4dor&3 AKIAIOSFODNN7EXAMPLE")}
    assert sev == {"Tr0ub4dor&3": Severity.HIGH, "AKIAIOSFODNN7EXAMPLE": Severity.CRITICAL}


def test_coordinates_context_decides_bare_pairs() -> None:
    assert matches("坐标 39.9042, 116.4074", "coordinates") == ["39.9042, 116.4074"]
    assert matches("数值 39.9042, 116.4074", "coordinates") == []  # 4 decimals, no geo words
    assert matches("数值 39.904211, 116.407395", "coordinates") == ["39.904211, 116.407395"]  # GPS precision


def test_detector_min_confidence_overrides_policy_threshold() -> None:
    from mosaicguard.detect.engine import Engine
    from mosaicguard.detect.registry import get_detector
    from mosaicguard.model import Document, Location, Segment
    from mosaicguard.policy.schema import Policy

    text = "数值 39.9042, 116.4074 手机 13812345678"  # bare pair: confidence 0.42
    doc = Document(path="x", media_type="", sha256="", segments=(Segment(text, Layer.BODY, Location(start=0)),))
    detectors = [get_detector("coordinates"), get_detector("phone")]
    loose = Policy.model_validate({"detectors": {"coordinates": {"min_confidence": 0.4}}})
    strict = Policy.model_validate({"detectors": {"phone": {"min_confidence": 0.99}}})
    assert {f.category for f in Engine(loose, "python", detectors).scan(doc)} == {"coordinates", "phone"}
    assert {f.category for f in Engine(strict, "python", detectors).scan(doc)} == set()


def test_one_marking_finding_for_a_field_with_a_star() -> None:
    for kind in ENGINES:
        assert matches("密级：秘密★6个月", "marking", kind) == ["秘密★6个月"]


def test_overlapping_rules_of_one_category_give_one_finding() -> None:
    text = "token: ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
    for kind in ENGINES:
        found = [f for f in scan_text(text, kind) if f.category == "credential"]
        assert [(f.rule, f.match) for f in found] == [
            ("credential.cloud_key", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")
        ]


def test_different_categories_on_the_same_text_both_stay() -> None:
    cats = {f.category for f in scan_text("DSN postgres://ops:S3cr3tPw@10.20.30.40:5432/ops")}
    assert cats == {"credential", "internal_network"}


def test_negative_words_on_another_line_do_not_count() -> None:
    text = "收款银行卡号：6201116424677627086。\n订单号 202601150001234"
    (card,) = [f for f in scan_text(text) if f.category == "bank_card"]
    assert card.confidence == 0.9
    same_line = [f for f in scan_text("订单编号 6201116424677627086 卡号") if f.category == "bank_card"]
    assert [f.confidence for f in same_line] == [0.5]  # 0.7 + 0.2 - 0.4, exactly
