"""CHILD side: fence this process in, then exec the runner (no preexec_fn, thread safe).

    python -I -m rnncourse.grading.launcher CONFIG_JSON -- python -I -m rnncourse.grading.runner REQ RESP

In order: resource limits (address space, CPU, file size, core dumps), the pids cgroup (root), a private
mount and network namespace (root; without root a user namespace holding a network and a mount
namespace), an IPC namespace, a pid namespace (``pidns``: from here on this is the worker, pid 2 under an init; the
launcher process itself waits and ends as the worker ends), the child's own leased uid/gid with no
supplementary groups (root), PR_SET_NO_NEW_PRIVS, RLIMIT_NPROC (a real limit once the uid is the
child's alone), Landlock. Then it writes one line, {"op": "fence", ...} saying what held, on the reply
pipe, and execs the runner, which adds seccomp after its own imports. Nothing of the student's has run yet when the line is written.
"""
from __future__ import annotations

import json
import os
import resource
import signal
import sys

from . import fence, pidns


def apply_limits(config: dict) -> None:
    mib = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (config["memory_mib"] * mib,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (config["cpu_seconds"], config["cpu_seconds"] + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (config["file_mib"] * mib,) * 2)
    if config.get("cgroup"):  # root: a pids cgroup bounds the process count whatever the uid does
        with open(os.path.join(config["cgroup"], "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))


def _count_own_processes() -> int:
    uid, n = os.getuid(), 0
    for d in os.listdir("/proc"):
        try:
            if d.isdigit() and os.stat(f"/proc/{d}").st_uid == uid:
                n += 1
        except OSError:
            pass
    return n


def _scratch_tmpfs(work: str, mib: int) -> bool:
    """Without root, inside the child's own user and mount namespaces: a size-limited tmpfs over ``work``
    (the scratch directory is then capped, not the machine's disk, and it goes with the namespace), and
    the working directory moved onto it. The grader reads it through /proc/<launcher>/root."""
    try:
        fence._mount("tmpfs", work, "tmpfs", fence.MS_NOSUID | fence.MS_NODEV,
                     f"size={mib}m,nr_inodes=4096,mode=0700")
    except OSError:
        return False
    os.chdir(work)
    return True


def build_fence(config: dict) -> dict:
    """Apply every protection ``config`` asks for; return what held (the grader reports it). From the
    pid namespace on, this runs in the worker, pid 2 of that namespace (see ``pidns``)."""
    held = {"uid": os.getuid()}
    reexposed, private_mount_namespace = False, False
    if config.get("uid") is not None:
        held.update(fence.private_mounts(config["reachable"], config["staging"]))
        reexposed = held.pop("reexposed")
        private_mount_namespace = held["mount_namespace"]
    elif os.geteuid() != 0:
        held["network_namespace"] = fence.user_network_namespace()
        private_mount_namespace = held["network_namespace"] and fence.user_mount_namespace()
        if private_mount_namespace and config.get("work") and config.get("scratch_mib"):
            held["scratch_tmpfs"] = _scratch_tmpfs(config["work"], config["scratch_mib"])
    held["ipc_namespace"] = fence.ipc_namespace()      # root, or inside the user namespace above
    # counted before the pid namespace hides the user's other processes (without root only)
    base = 0 if reexposed or not config.get("nproc") else _count_own_processes()
    pid_held, in_pid_namespace = pidns.enter(private_mount_namespace)
    held.update(pid_held, in_pid_namespace=in_pid_namespace)
    dropped = False
    if reexposed:      # else the child's uid could not reach the interpreter: stay, and say so
        fence.drop_privileges(config["uid"], config["gid"])
        dropped = True
    held["uid"] = os.getuid()
    held["no_new_privs"] = fence.no_new_privs()
    if config.get("nproc"):
        # with its own uid the count is the child's alone; without, allow what already runs plus a margin
        base = 0 if dropped else base + (2 if in_pid_namespace else 0)     # + the init and the worker
        resource.setrlimit(resource.RLIMIT_NPROC, (base + config["nproc"],) * 2)
        held["rlimit_nproc"] = base + config["nproc"]
    paths = config["paths"]
    held["landlock_abi"] = fence.landlock(paths["read"], paths["write"], paths["execute"], paths["list_only"]) \
        if config.get("landlock", True) else 0
    return held


def _die_with(parent: int) -> None:
    """SIGKILL when ``parent`` (the thread that started this process) ends, and end now if it has
    already: a grader killed by a CI timeout takes its children with it, with or without root."""
    fence.set_parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def main() -> None:
    config = json.loads(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1:]
    _die_with(config["parent"])
    apply_limits(config)
    held = build_fence(config)
    if not held["in_pid_namespace"]:      # a change of uid cleared the parent-death signal: set it again
        _die_with(config["parent"])       # (in a pid namespace the init's end ends this process)
    os.write(int(command[-1]), (json.dumps({"op": "fence", **held}) + "\n").encode())
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
