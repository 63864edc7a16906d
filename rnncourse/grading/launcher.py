"""CHILD side: apply resource limits to this process, then exec the runner (no preexec_fn, thread safe).

    python -I -m rnncourse.grading.launcher LIMITS_JSON -- python -I -m rnncourse.grading.runner ...
"""
from __future__ import annotations

import json
import os
import resource
import sys


def apply_limits(limits: dict) -> None:
    mib = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_mib"] * mib,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu_seconds"], limits["cpu_seconds"] + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_mib"] * mib,) * 2)
    cgroup = limits.get("cgroup")
    if cgroup:  # root: a pids cgroup bounds the process count (RLIMIT_NPROC does not apply to root)
        with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))
    elif os.geteuid() != 0 and limits.get("nproc"):
        # RLIMIT_NPROC counts every process of this user, so allow what already runs plus a margin.
        running = sum(1 for d in os.listdir("/proc") if d.isdigit() and _owned(d))
        resource.setrlimit(resource.RLIMIT_NPROC, (running + limits["nproc"],) * 2)


def _owned(pid: str) -> bool:
    try:
        return os.stat(f"/proc/{pid}").st_uid == os.geteuid()
    except OSError:
        return False


def main() -> None:
    limits = json.loads(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1:]
    apply_limits(limits)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
