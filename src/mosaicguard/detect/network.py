"""Internal network details: private IPv4 addresses (with ports or CIDR), internal host names
(`*.local`, `*.corp`, `*.internal`, `*.lan`, intranet/VPN sub-domains), UNC paths, Windows and
Unix paths naming a user's home folder, and MAC addresses. Each is a map of the inside of an
organisation for someone outside it. Public addresses are not internal and are not reported."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Severity
from ..policy.schema import Policy
from .base import Detector, PatternRule, Sample

_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"


_IP_PARTS = re.compile(r"([0-9.]+)(?:/([0-9]{1,2})|:([0-9]{1,5}))?")
_NOT_HEX = re.compile("[^0-9A-Fa-f]")


def private_ip_valid(value: str) -> bool:
    """Four octets in a private range; CIDR prefix <= 32 and port <= 65535 when present."""
    m = _IP_PARTS.fullmatch(value)
    if not m:
        return False
    octets = [int(o) for o in m.group(1).split(".")]
    if len(octets) != 4 or any(o > 255 for o in octets):
        return False
    if m.group(2) is not None and int(m.group(2)) > 32:
        return False
    if m.group(3) is not None and not 0 < int(m.group(3)) <= 65535:
        return False
    a, b = octets[0], octets[1]
    return a == 10 or (a == 172 and 16 <= b <= 31) or (a == 192 and b == 168)


_MAC_CONTEXT = ("mac", "物理地址", "网卡", "硬件地址", "ethernet", "设备")


def mac_valid(value: str) -> bool:
    """Twelve hex digits with one kind of separator, not all-zero or broadcast."""
    if len({c for c in value if c in ":-."}) > 1:
        return False
    hexdigits = _NOT_HEX.sub("", value).lower()
    # All-zero and broadcast addresses are placeholders, not a device.
    return len(hexdigits) == 12 and len(set(hexdigits)) > 1 and hexdigits not in ("ffffffffffff",)


_INTERNAL_TLD = "(?:local|localdomain|corp|internal|intranet|lan|intra|home\\.arpa)"
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"


class InternalNetworkDetector(Detector):
    name = "internal_network"
    categories = ("internal_network",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        sev = policy.severity_for(self.name, Severity.MEDIUM)
        return (
            PatternRule(
                rule="internal_network.private_ipv4",
                category="internal_network",
                regex=(
                    # Exactly four octets: `10.5.23` (a version) is not even a candidate.
                    "(?<![0-9A-Za-z.])(?P<v>(?:10(?:\\.[0-9]{1,3}){3}"
                    "|(?:172\\.(?:1[6-9]|2[0-9]|3[01])|192\\.168)(?:\\.[0-9]{1,3}){2})"
                    # `(?![0-9])` last and alone: the Hyperscan prefilter consumes one non-digit
                    # instead of reporting every digit of the last octet.
                    "(?:/[0-9]{1,2}|:[0-9]{1,5})?)(?!\\.[0-9])(?![0-9])"
                ),
                severity=sev,
                confidence=0.75,
                validate=private_ip_valid,
                context=("ip", "服务器", "内网", "地址", "server", "host", "网关", "gateway", "子网", "subnet"),
                negative_context=("版本", "version", "ver.", "release", "build", "v1", "v2"),
                message="private (internal) IP address: maps the inside of the network",
                max_len=24,
            ),
            PatternRule(
                rule="internal_network.hostname",
                category="internal_network",
                regex=f"(?<![A-Za-z0-9.@_-])(?P<v>(?:{_LABEL}\\.)+(?i:{_INTERNAL_TLD}))(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])",
                severity=sev,
                confidence=0.75,
                negative_context=("import ", "package ", "java", "namespace"),
                message="internal host name",
                max_len=260,
            ),
            PatternRule(
                rule="internal_network.intranet_url",
                category="internal_network",
                regex=(
                    "(?P<v>(?i:https?)://(?i:vpn|webvpn|sslvpn|intranet|intra|oa|internal|inside|neiwang|corp)"
                    "[0-9]?\\.[A-Za-z0-9.-]{2,200}(?::[0-9]{1,5})?)(?![A-Za-z0-9])"
                ),
                severity=sev,
                confidence=0.7,
                message="intranet or VPN address",
                max_len=240,
            ),
            PatternRule(
                rule="internal_network.unc_path",
                category="internal_network",
                regex=(
                    "(?<![\\\\A-Za-z0-9])(?P<v>\\\\\\\\[A-Za-z0-9][A-Za-z0-9._$-]{0,62}"
                    "(?:\\\\[^\\s\\\\/:*?\"<>|，。；、]{1,80}){1,12})"
                ),
                severity=sev,
                confidence=0.8,
                message="UNC path to a file server",
                max_len=1040,
            ),
            PatternRule(
                rule="internal_network.user_path",
                category="internal_network",
                regex=(
                    "(?P<v>(?<![A-Za-z])[A-Za-z]:\\\\(?i:users|documents and settings)\\\\[^\\s\\\\/:*?\"<>|，。]{1,64}"
                    "(?:\\\\[^\\s\\\\/:*?\"<>|，。；、]{1,100}){0,12}"
                    "|(?<![A-Za-z0-9_.])/(?:home|Users)/[a-z_][A-Za-z0-9_.-]{0,31}(?:/[^\\s/\"'<>|，。；]{1,100}){0,12})"
                ),
                severity=Severity.LOW if sev == Severity.MEDIUM else sev,
                confidence=0.7,
                message="file path naming a user's home folder (user name, machine layout)",
                max_len=1500,
            ),
            PatternRule(
                rule="internal_network.mac",
                category="internal_network",
                # One separator class (not an alternation of `:` and `-` forms): Hyperscan scans
                # this ~2x faster; mac_valid checks the separators agree.
                regex=(
                    "(?<![0-9A-Fa-f:-])(?P<v>[0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}"
                    "[:-][0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2})(?![0-9A-Fa-f]|[:-][0-9A-Fa-f])"
                ),
                severity=Severity.LOW if sev == Severity.MEDIUM else sev,
                confidence=0.6,
                validate=mac_valid,
                context=_MAC_CONTEXT,
                message="MAC address: identifies a device",
                max_len=20,
            ),
            PatternRule(
                rule="internal_network.mac_dotted",
                category="internal_network",
                regex="(?<![0-9A-Fa-f.])(?P<v>[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4})(?![0-9A-Fa-f]|\\.[0-9A-Fa-f])",
                severity=Severity.LOW if sev == Severity.MEDIUM else sev,
                confidence=0.6,
                validate=mac_valid,
                context=_MAC_CONTEXT,
                message="MAC address (Cisco dotted form): identifies a device",
                max_len=16,
            ),
        )

    def samples(self) -> Sequence[Sample]:
        return (
            Sample("服务器地址 10.12.3.45", "internal_network", match="10.12.3.45"),
            Sample("gateway 192.168.1.1:8080 is up", "internal_network", match="192.168.1.1:8080"),
            Sample("子网 172.16.0.0/12", "internal_network", match="172.16.0.0/12"),
            Sample("ssh to build01.corp for logs", "internal_network", match="build01.corp"),
            Sample("printer at nas.office.local", "internal_network", match="nas.office.local"),
            Sample("内网地址 https://oa.example.gov.cn/login", "internal_network"),
            Sample(r"文件见 \\fs01\共享\项目\清单.xlsx", "internal_network", match=r"\\fs01\共享\项目\清单.xlsx"),
            Sample(r"C:\Users\zhangwei\Desktop\方案.docx", "internal_network"),
            Sample("网卡 MAC 00:1A:2B:3C:4D:5E", "internal_network", match="00:1A:2B:3C:4D:5E"),
            Sample("our website is at 8.8.8.8", "internal_network", expect=False),
            Sample("upgrade to 10.0.1 today", "internal_network", expect=False),
            Sample("版本 10.2.3.4 发布", "internal_network", expect=False),
            Sample("address 10.300.1.1", "internal_network", expect=False),
            Sample("public site www.example.com", "internal_network", expect=False),
            Sample("import com.example.internal.Util", "internal_network", expect=False),
        )
