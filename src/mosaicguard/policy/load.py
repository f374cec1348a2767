"""Read a policy file once into a validated `Policy`, with errors that name the file and key."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import ConfigError
from ..heap import long_lived
from . import cache
from .schema import Policy

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_policy(path: str | Path | None) -> Policy:
    """The policy in `path` (the built-in default for None). Raises ConfigError naming the file
    and every offending key."""
    if path is None:
        return Policy()
    with long_lived():  # a policy with hundreds of subjects is tens of thousands of objects
        return _load(Path(path))


def _text(source: bytes) -> str:
    """The file's text as `Path.read_text` gives it (UTF-8, universal newlines)."""
    return source.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _load(p: Path) -> Policy:
    try:
        # libyaml's loader when PyYAML has it: a policy listing hundreds of protected subjects
        # takes ~0.8 s with the pure-Python one, which would dominate a `check`; the parsed data
        # is kept in a sealed cache (`policy/cache.py`), read back in ~1 ms by the next process
        source = p.read_bytes()
        raw = cache.parsed(source, lambda: yaml.load(_text(source), Loader=_LOADER),
                           f"pyyaml {yaml.__version__} {_LOADER.__name__}")
    except FileNotFoundError:
        raise ConfigError(f"policy file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read policy file {p}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"policy file {p} is not valid YAML: {exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"policy file {p}: the top level must be a mapping of keys")
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(part) for part in err["loc"]) or "(top level)"
            hint = _did_you_mean(str(err["loc"][-1])) if err["type"] == "extra_forbidden" and err["loc"] else ""
            problems.append(f"  {key}: {err['msg']}{hint}")
        raise ConfigError(f"policy file {p} has {len(problems)} problem(s):\n" + "\n".join(problems)) from None


def _known_keys() -> set[str]:
    from . import schema

    keys: set[str] = set()
    for model in (schema.Policy, schema.LexiconTerm, schema.ProtectedSubject, schema.Combination, schema.Allowlist,
                  schema.DetectorSettings, schema.SanitizeSettings, schema.Profile):
        keys.update(model.model_fields)
    return keys


def _did_you_mean(key: str) -> str:
    """' (did you mean 'severity'?)' for a misspelt key: most policy errors are typos."""
    import difflib

    close = difflib.get_close_matches(key, sorted(_known_keys()), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""
