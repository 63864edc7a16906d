"""Parent side: the grading secret, read only from a private file, never from the environment.

The environment a process started with stays readable in /proc/PID/environ, so the grader refuses a
secret there (``RNNCOURSE_GRADING_SECRET`` set is an error, not a fallback). The file must be owned by
the grader's user (root when grading as root) and readable by no one else (mode 0600 or stricter). It
holds one secret for every assignment, or one line ``ASSIGNMENT = SECRET`` per assignment (``#`` starts
a comment).
"""
from __future__ import annotations

import os
import stat

ENV_VAR = "RNNCOURSE_GRADING_SECRET"


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
    return secret
