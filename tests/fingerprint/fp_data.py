"""Texts and builders shared by the fingerprint tests (documents are generated in tmp_path)."""

from __future__ import annotations

import random
from pathlib import Path

from mosaicguard.fingerprint.keys import RegistryKey
from mosaicguard.fingerprint.register import Registry, register_paths
from mosaicguard.fingerprint.store import SqliteStore

SECRET_ZH = (
    "关于北部山区雷达站建设工程的实施方案。根据总体部署，该工程计划于明年三月正式开工，"
    "施工单位须在进场前完成临时道路和供电线路的铺设，主体建筑采用钢筋混凝土框架结构，"
    "天线罩基础需满足抗震设防烈度八度的要求。工程总投资约为三点二亿元，其中设备购置费占六成，"
    "资金由专项经费分两期拨付。施工期间实行封闭管理，所有人员凭证件出入，严禁拍摄现场照片，"
    "严禁在社交媒体发布与工程进度相关的任何信息。竣工验收后，站区移交运行单位统一管理。"
)
SECRET_EN = (
    "Operational requirements for the northern ridge installation. The antenna array shall be "
    "mounted on reinforced foundations before the monsoon season, and the power supply must be "
    "routed through the buried conduit along the eastern access road. Personnel rotations follow "
    "a fourteen day cycle, and visitors are escorted at all times by the duty officer. Spare "
    "transmitter modules are stored in the hardened shelter behind the generator building."
)
SECRET_MIXED = (
    "第三批备件清单说明：冷却泵型号为 HX-420 Series，安装在二号机房东侧，每季度由厂家工程师"
    "进行一次 preventive maintenance inspection of the cooling loop，检修记录须在三个工作日内上报，"
    "备件库存不得低于安全阈值，紧急调拨须经分管领导书面批准后方可执行。"
)

# Shared by many registered documents (a letterhead and a legal formula): boilerplate.
BOILERPLATE = (
    "本文件依据《中华人民共和国保守国家秘密法》及其实施条例的有关规定制定，"
    "未经批准不得复制、摘抄或者以任何形式对外提供，违者依法追究相关责任。"
)

_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好"
    "应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道"
    "命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求"
)


def chinese_text(seed: int, length: int) -> str:
    """Deterministic filler in Chinese characters with sentence punctuation."""
    rng = random.Random(seed)
    out = []
    for i in range(length):
        out.append(rng.choice(_CHARS))
        if i % 17 == 16:
            out.append("，" if rng.random() < 0.6 else "。")
    return "".join(out)


KEY = RegistryKey.from_bytes(b"test-key-0123456789abcdef")


def build_registry(tmp_path: Path, files: dict[str, str], label: str | None = "机密",
                   store_titles: bool = False, key: RegistryKey = KEY) -> Path:
    """Write `files` (name -> text) under tmp_path/confidential and register them."""
    folder = tmp_path / "confidential"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = tmp_path / "reg.db"
    store = SqliteStore(db, create=True)
    try:
        outcomes = register_paths(Registry(store, key), [str(folder)], label=label, store_titles=store_titles)
    finally:
        store.close()
    assert all(o.status == "registered" for o in outcomes), outcomes
    return db
