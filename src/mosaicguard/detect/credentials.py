"""Credentials left in documents: passwords (`password=`, `密码：`, `口令`), cloud and service keys
(AWS, Aliyun, Tencent Cloud, GitHub, Google, Slack), private key blocks, JWTs, generic high-entropy
`api_key=` / `token:` values and connection strings with a password in them.

Keys are critical (they open systems on their own); passwords are high. Placeholders
(`******`, `<password>`, `${DB_PASS}`, `请联系管理员`) are not credentials.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from ..model import Severity
from ..policy.schema import Policy
from .base import Detector, PatternRule, Sample

_PLACEHOLDER = re.compile(
    r"^(?:[*xX•●#.\-_?]+|<[^>]*>|\[[^\]]*\]|\{\{.*\}\}|\$\{.*\}|\$[A-Z_]+|%[sd]|%\(.*\)s"
    r"|(?i:null|none|n/?a|empty|password|passwd|your[_-]?password|changeit|xxx+|\*+|redacted|hidden|secret|todo|tbd))$"
)
_CJK = re.compile("[\u4e00-\u9fff]")


def password_valid(value: str) -> bool:
    """A real-looking password: not a placeholder, not a Chinese phrase, not a plain word list."""
    v = value.strip("\"'`“”‘’")
    if len(v) < 4 or _PLACEHOLDER.match(v):
        return False
    return not _CJK.search(v)


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def token_valid(value: str) -> bool:
    """A generic secret value: long, mixed letters and digits, high entropy, not a placeholder."""
    v = value.strip("\"'`")
    if len(v) < 16 or _PLACEHOLDER.match(v):
        return False
    has_digit = any(c.isdigit() for c in v)
    has_alpha = any(c.isalpha() for c in v)
    return has_digit and has_alpha and entropy(v) >= 3.5


_URL_PASSWORD = re.compile(r"://[^:/@\s]+:([^@\s]+)@")


def connection_valid(value: str) -> bool:
    """A URL whose password part is not a placeholder."""
    m = _URL_PASSWORD.search(value)
    return m is not None and password_valid(m.group(1))


_VALUE_END = "(?=$|[\\s\"'`,，;；。)）\\]}<])"


class CredentialDetector(Detector):
    name = "credential"
    categories = ("credential",)

    def rules(self, policy: Policy) -> Sequence[PatternRule]:
        override = policy.detector_settings(self.name).severity

        def sev(default: Severity) -> Severity:
            return Severity.parse(override) if override else default

        key_msg = "secret key or token: grants access to a system on its own"
        return (
            PatternRule(
                rule="credential.password",
                category="credential",
                regex=(
                    "(?<![A-Za-z0-9_])(?i:password|passwd|passwort|pwd|pass_?word|db_pass(?:word)?)[\"']?"
                    "[ \\t]*[:=：][ \\t]*[\"']?(?P<v>[^\\s\"'`,，;；。<>]{4,64})"
                    + _VALUE_END
                ),
                severity=sev(Severity.HIGH),
                confidence=0.8,
                validate=password_valid,
                message="password written in the document",
                max_len=100,
            ),
            PatternRule(
                rule="credential.password_zh",
                category="credential",
                regex=(
                    "(?:登录密码|初始密码|管理员密码|默认密码|账户密码|账号密码|用户密码|密码|口令)"
                    "[ \\t\\u3000]*(?:为|是|:|：|=)[ \\t\\u3000]*[\"'“‘]?(?P<v>[!-~]{4,64}?)"
                    "(?=$|[\\s\"'”’，,;；。）)]|[\\u4e00-\\u9fff])"
                ),
                severity=sev(Severity.HIGH),
                confidence=0.8,
                validate=password_valid,
                message="password (密码/口令) written in the document",
                max_len=90,
            ),
            PatternRule(
                rule="credential.private_key",
                category="credential",
                regex="(?P<v>-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)",
                severity=sev(Severity.CRITICAL),
                confidence=0.95,
                message="private key block",
                max_len=48,
            ),
            PatternRule(
                rule="credential.aws_access_key",
                category="credential",
                regex="(?<![A-Z0-9])(?P<v>(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16})(?![A-Z0-9])",
                severity=sev(Severity.CRITICAL),
                confidence=0.9,
                validate=lambda v: len(set(v[4:])) > 3,
                message="AWS access key id",
                max_len=20,
            ),
            PatternRule(
                rule="credential.cloud_key",
                category="credential",
                # Aliyun AccessKey ID, Tencent Cloud SecretId, GitHub, Google API, Slack tokens.
                regex=(
                    "(?<![A-Za-z0-9_])(?P<v>LTAI[A-Za-z0-9]{12,20}|AKID[A-Za-z0-9]{32}"
                    "|gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,90}|AIza[0-9A-Za-z_\\-]{35}"
                    "|xox[abposr]-[A-Za-z0-9-]{10,72})(?![A-Za-z0-9_])"
                ),
                severity=sev(Severity.CRITICAL),
                confidence=0.9,
                validate=lambda v: entropy(v) >= 3.0,
                message=key_msg,
                max_len=100,
            ),
            PatternRule(
                rule="credential.jwt",
                category="credential",
                regex=(
                    "(?<![A-Za-z0-9_-])(?P<v>eyJ[A-Za-z0-9_-]{8,800}\\.eyJ[A-Za-z0-9_-]{8,2000}"
                    "\\.[A-Za-z0-9_-]{8,800})(?![A-Za-z0-9_-])"
                ),
                severity=sev(Severity.CRITICAL),
                confidence=0.9,
                message="JSON Web Token (a bearer credential)",
                max_len=3700,
            ),
            PatternRule(
                rule="credential.generic_token",
                category="credential",
                regex=(
                    "(?<![A-Za-z0-9])(?i:api[_-]?key|apikey|secret[_-]?key|access[_-]?key[_-]?secret|access[_-]?token"
                    "|auth[_-]?token|client[_-]?secret|app[_-]?secret|secret|token|密钥|令牌)[\"']?[ \\t]*[:=：][ \\t]*"
                    "[\"']?(?P<v>[A-Za-z0-9_\\-./+=]{16,128})" + _VALUE_END
                ),
                severity=sev(Severity.CRITICAL),
                confidence=0.75,
                validate=token_valid,
                message=key_msg,
                max_len=180,
            ),
            PatternRule(
                rule="credential.connection_string",
                category="credential",
                regex=(
                    "(?<![A-Za-z0-9+])(?P<v>(?i:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|redis|rediss|amqps?"
                    "|mssql|sqlserver|oracle|ftp|sftp|smtp|ldaps?|https?)://[^\\s:/@\"']{1,64}:[^\\s@/\"']{1,64}@"
                    "[^\\s/:\"'?#，。]{1,253})"
                ),
                severity=sev(Severity.HIGH),
                confidence=0.85,
                validate=connection_valid,
                message="connection string with a user name and password",
                max_len=400,
            ),
        )

    def samples(self) -> Sequence[Sample]:
        return (
            Sample("db password=Hx9#kLm2Qw", "credential", match="Hx9#kLm2Qw"),
            Sample("服务器登录密码：Admin@2026", "credential", match="Admin@2026"),
            Sample("VPN口令为 Zq7!pw88，请勿外传", "credential", match="Zq7!pw88"),
            Sample("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA", "credential"),
            Sample("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "credential", match="AKIAIOSFODNN7EXAMPLE"),
            Sample("AccessKeyId: LTAI5tQm8NvXz2Ab9KcD", "credential"),
            Sample(
                "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
                ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "credential",
            ),
            Sample("api_key: 9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c", "credential"),
            Sample("postgres://app:S3cr3tPw@10.1.2.3:5432/ops", "credential", match="postgres://app:S3cr3tPw@10.1.2.3"),
            Sample("password: ********", "credential", expect=False),
            Sample("password=<your password>", "credential", expect=False),
            Sample("密码：请联系管理员获取", "credential", expect=False),
            Sample("修改密码：用户可在个人中心修改", "credential", expect=False),
            Sample("token: aaaaaaaaaaaaaaaaaaaaaaaa", "credential", expect=False),
            Sample("password=${DB_PASSWORD}", "credential", expect=False),
            Sample("Please reset your password regularly.", "credential", expect=False),
        )
