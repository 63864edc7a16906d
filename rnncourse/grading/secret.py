"""Parent side: the grading secret, read only from a private file, never from the environment.

The environment a process started with stays readable in /proc/PID/environ, so the grader refuses a
secret there (``RNNCOURSE_GRADING_SECRET`` set is an error, not a fallback). The file must be owned by
the grader's user (root when grading as root) and readable by no one else (mode 0600 or stricter). It
holds one secret for every assignment, or one line ``ASSIGNMENT = SECRET`` per assignment (``#`` starts
a comment).

A secret must be strong: feedback replaces the secret by ``[redacted]`` wherever the child's text holds
it, so a notebook can test guesses of a weak secret. A secret of fewer than ``MIN_LENGTH`` characters or
under ``MIN_BITS`` bits of character entropy (length times the Shannon entropy of its characters) is
refused, with a command that makes a good one.
"""
from __future__ import annotations

import math
import os
import stat
from collections import Counter

ENV_VAR = "RNNCOURSE_GRADING_SECRET"
MIN_LENGTH = 16
MIN_BITS = 64
MAKE_ONE = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


class SecretError(Exception):
    pass


def parse_secrets(text: str) -> dict:
    """{assignment: secret}; a file of one bare line gives {"*": secret}."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if len(lines) == 1 and "=" not in lines[0]:
        return {"*": lines[0]}
    secrets = {}
    for ln in lines:
        name, sep, value = ln.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise SecretError(f"secret file: expected one secret, or lines `ASSIGNMENT = SECRET`; got {ln.split('=')[0]!r}...")
        secrets[name.strip()] = value.strip()
    return secrets


def entropy_bits(secret: str) -> float:
    """Length times the Shannon entropy of the secret's characters (bits): a generous upper bound on how
    hard it is to guess ("aaaa..." has 0, a random hex string of 32 characters about 120)."""
    counts = Counter(secret)
    return -sum(n * math.log2(n / len(secret)) for n in counts.values())


def check_strength(secret: str, where: str) -> None:
    """SecretError unless ``secret`` is long and varied enough (see the module docstring)."""
    bits = entropy_bits(secret)
    if len(secret) < MIN_LENGTH or bits < MIN_BITS:
        raise SecretError(f"the secret {where} is too weak ({len(secret)} characters, about {bits:.0f} bits; "
                          f"at least {MIN_LENGTH} characters and {MIN_BITS} bits are needed, since feedback "
                          f"would confirm guesses of it); make one with: {MAKE_ONE}")


def read_secret(path, assignment: str) -> str | None:
    """The secret for ``assignment`` from ``path`` (None when no path is given)."""
    if os.environ.get(ENV_VAR) is not None:
        raise SecretError(f"{ENV_VAR} is set, but the secret is read only from --secret-file (a process's "
                          f"environment is readable in /proc/PID/environ); unset it")
    if path is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        raise SecretError(f"cannot open the secret file {path}: {exc.strerror}") from None
    with os.fdopen(fd, encoding="utf-8") as f:
        info = os.fstat(f.fileno())
        who = "root" if os.geteuid() == 0 else "you"
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
            raise SecretError(f"the secret file {path} must be a regular file owned by {who} with mode 0600 "
                              f"(it is owned by uid {info.st_uid} with mode {stat.S_IMODE(info.st_mode):04o}); "
                              f"`chown {os.geteuid()} {path} && chmod 600 {path}`")
        secrets = parse_secrets(f.read())
    secret = secrets.get(assignment, secrets.get("*"))
    if not secret:
        raise SecretError(f"the secret file {path} has no secret for {assignment!r} (it has {sorted(secrets)})")
    check_strength(secret, f"for {assignment!r} in {path}")
    return secret
