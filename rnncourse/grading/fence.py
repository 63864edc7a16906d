"""CHILD side: the fence around a student's process, built from the standard library and ctypes only.

Applied by ``launcher`` (before the runner starts) and ``runner`` (seccomp, after its own imports):

    private_mounts   root only: a private mount namespace with its own 16 MiB /dev/shm, /tmp and /var/tmp
                     (the scratch directory bound back in place), and no network (unshare); directories the child must reach but that are closed to other users
                     (e.g. a Python under /root) are re-exposed read-only, the rest under them stays hidden
    ipc_namespace    a private IPC namespace (SysV shared memory dies with the child)
    user_network_namespace  without root: no network either, where user namespaces are allowed (and a
                     mount namespace of its own, for the pid namespace's /proc)
    unshare_pid_namespace, mount_proc  a pid namespace for the child (``pidns``: the child is pid 2 under
                     an init that mounts the namespace's own /proc)
    drop_privileges  root only: no supplementary groups, setgid, setuid to the child's own uid/gid
    no_new_privs     PR_SET_NO_NEW_PRIVS: no set-uid binary can give privileges back
    landlock         kernel >= 5.13: reads only the listed trees, writes only the scratch directory, no
                     TCP, and (ABI >= 6) no signals to processes outside the sandbox
    seccomp          a BPF filter: execve/execveat, ptrace, process_vm_readv/writev, sockets, and the
                     namespace / mount / bpf / keyring calls fail with EPERM, and so does clone() with
                     a namespace flag; clone3 fails with ENOSYS (the C library then uses clone)

Each function returns True when the protection is in force and False when the kernel or the privileges
do not allow it; the caller reports which ones held.
"""
from __future__ import annotations

import ctypes
import os
import platform
import struct

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWUSER, CLONE_NEWPID = 0x00020000, 0x40000000, 0x10000000, 0x20000000
CLONE_NEWIPC = 0x08000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4

# ---- landlock (include/uapi/linux/landlock.h) ---------------------------------------------------------
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = (1 << i for i in range(4, 13))
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
NET_BIND_TCP, NET_CONNECT_TCP = 1, 2
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2

# ---- seccomp (x86_64 and aarch64 syscall numbers) -----------------------------------------------------
AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
DENIED_SYSCALLS = {
    "x86_64": {"execve": 59, "execveat": 322, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
               "socket": 41, "socketpair": 53, "unshare": 272, "setns": 308, "mount": 165, "bpf": 321,
               "keyctl": 250, "add_key": 248, "request_key": 249, "userfaultfd": 323, "perf_event_open": 298,
               "io_uring_setup": 425, "pidfd_getfd": 438, "kcmp": 312, "personality": 135},
    "aarch64": {"execve": 221, "execveat": 281, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271,
                "socket": 198, "socketpair": 199, "unshare": 97, "setns": 268, "mount": 40, "bpf": 280,
                "keyctl": 219, "add_key": 217, "request_key": 218, "userfaultfd": 282, "perf_event_open": 241,
                "io_uring_setup": 425, "pidfd_getfd": 438, "kcmp": 272, "personality": 92},
}
EPERM = 1


def _check(ret: int, what: str) -> int:
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return ret


def no_new_privs() -> bool:
    return _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0


# ---- namespaces and mounts ----------------------------------------------------------------------------
def _mount(source, target, fstype, flags, data=None) -> None:
    _check(_libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(), ctypes.c_ulong(flags),
                       data and data.encode()), f"mount {target}")


def _hidden_ancestor(path: str) -> str | None:
    """The topmost ancestor of ``path`` that other users cannot enter (no o+x), or None."""
    parts = os.path.realpath(path).split(os.sep)[1:]
    for i in range(1, len(parts)):
        ancestor = os.sep + os.path.join(*parts[:i])
        try:
            if not os.stat(ancestor).st_mode & 0o001:
                return ancestor
        except OSError:
            return None
    return None


def _outermost(paths) -> list:
    paths = sorted({os.path.realpath(p) for p in paths})
    return [p for p in paths if not any(p != q and p.startswith(q + os.sep) for q in paths)]


def _cover_keeping(target: str, tmpfs_options: str, trees: list, hold_prefix: str, dir_mode: int,
                   writable: tuple = ()) -> None:
    """Mount a tmpfs over ``target``, keeping ``trees`` (outermost paths under it) at their own paths:
    each is bound to a holding directory (``hold_prefix`` + index) before the tmpfs goes on, then bound
    back, read-only unless it is in ``writable``. Raises OSError when a mount fails."""
    held = []
    for k, path in enumerate(trees):
        hold = f"{hold_prefix}{k}"
        os.mkdir(hold, 0o700)
        _mount(path, hold, None, MS_BIND | MS_REC)
        held.append((hold, path))
    _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, tmpfs_options)
    for hold, path in held:
        os.makedirs(path, mode=dir_mode, exist_ok=True)
        _mount(hold, path, None, MS_BIND | MS_REC)
        if path not in writable:
            _mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
        _libc.umount2(hold.encode(), 2)   # MNT_DETACH
        os.rmdir(hold)


def _private_tmp(scratch: str, reachable: list) -> bool:
    """Cover /tmp and /var/tmp with small private tmpfs (mode 1777, 16 MiB each), keeping the trees the
    child needs that lie under them: the scratch directory (writable) and the ``reachable`` trees, e.g. a
    virtual environment under /tmp (read-only). They wait in the private /dev/shm meanwhile."""
    scratch = os.path.realpath(scratch)
    for tmp in ("/tmp", "/var/tmp"):
        if os.path.isdir(tmp):
            real = os.path.realpath(tmp)
            inside = [p for p in _outermost([scratch, *reachable]) if p.startswith(real + os.sep)]
            _cover_keeping(real, "mode=1777,size=16m,nr_inodes=1024", inside, "/dev/shm/.rnncourse-keep-", 0o711,
                           writable=(scratch,))
    return True


def private_mounts(reachable: list, staging: str) -> dict:
    """Root only: unshare mount + network namespaces; re-expose ``reachable`` trees that sit under a
    directory closed to other users, read-only, on an empty tmpfs over that directory. ``staging`` is an
    empty root-owned directory used while moving mounts. Returns {"mount_namespace", "network_namespace",
    "reexposed": bool} (reexposed: every reachable tree can be reached by another uid)."""
    done = {"mount_namespace": False, "network_namespace": False, "reexposed": reachable_by_others(reachable)}
    if _libc.unshare(CLONE_NEWNET) == 0:
        done["network_namespace"] = True
    if _libc.unshare(CLONE_NEWNS) != 0:
        return done
    try:
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        done["mount_namespace"] = True
        if os.path.isdir("/dev/shm"):  # a private, small /dev/shm (Landlock, when present, forbids writing it anyway)
            _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=16m")
            done["private_dev_shm"] = True
            done["private_tmp"] = _private_tmp(os.path.dirname(staging), reachable)
        _reexpose(reachable, staging)
        done["reexposed"] = True
    except OSError:
        done["reexposed"] = reachable_by_others(reachable)
    return done


def _reexpose(reachable: list, staging: str) -> None:
    """Cover each directory closed to other users that holds a ``reachable`` tree with an empty read-only
    tmpfs, keeping those trees (read-only) at their own paths; the rest under it stays hidden."""
    by_ancestor: dict = {}
    for path in reachable:
        ancestor = _hidden_ancestor(path)
        if ancestor:
            by_ancestor.setdefault(ancestor, set()).add(path)
    for k, (ancestor, paths) in enumerate(sorted(by_ancestor.items())):
        _cover_keeping(ancestor, "mode=0755,size=1m", _outermost(paths), os.path.join(staging, f"{k}-"), 0o755)
        _mount(None, ancestor, "tmpfs", MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "mode=0755")


def reachable_by_others(paths: list) -> bool:
    """Whether a process of another uid can reach every path in ``paths`` (no closed ancestor)."""
    return not any(_hidden_ancestor(p) for p in paths)


def user_network_namespace() -> bool:
    """Without root: a user namespace (ids mapped to themselves) holding a private network namespace,
    so the child has no network. False where unprivileged user namespaces are not allowed."""
    uid, gid = os.getuid(), os.getgid()
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return False
    try:
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
    except OSError:
        return False
    return True


def user_mount_namespace() -> bool:
    """Inside the user namespace of ``user_network_namespace``: a mount namespace whose mounts do not
    propagate back (only for the pid namespace's own /proc). False where it is not allowed."""
    if _libc.unshare(CLONE_NEWNS) != 0:
        return False
    try:
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
    except OSError:
        return False
    return True


def ipc_namespace() -> bool:
    """A private IPC namespace: SysV shared memory, semaphores and message queues (and POSIX message
    queues) the child makes die with it, and it sees none of the machine's. Needs CAP_SYS_ADMIN in the
    current user namespace (root, or inside ``user_network_namespace``); False where refused."""
    return _libc.unshare(CLONE_NEWIPC) == 0


def unshare_pid_namespace() -> None:
    """The next process this one starts is pid 1 of a new pid namespace. Raises OSError (with the reason)
    where it is not allowed (no CAP_SYS_ADMIN in this user namespace, a container's seccomp profile)."""
    _check(_libc.unshare(CLONE_NEWPID), "unshare(CLONE_NEWPID)")


def mount_proc() -> None:
    """Mount a fresh /proc: the pid namespace of the calling process (which must be inside it, with
    CAP_SYS_ADMIN over it) and of its private mount namespace. Raises OSError when refused."""
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def set_parent_death_signal(sig: int) -> None:
    """The kernel sends ``sig`` to this process when the thread that started it dies."""
    _check(_libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")


def not_dumpable() -> None:
    """No core dump of this process (the kernel skips a process that is not dumpable)."""
    _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def drop_privileges(uid: int, gid: int) -> None:
    """Root only: no supplementary groups, then gid, then uid (real, effective and saved)."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (gid, gid, gid) or os.getgroups():
        raise OSError("privileges were not dropped")


# ---- landlock -----------------------------------------------------------------------------------------
def landlock_abi() -> int:
    """The Landlock ABI version the kernel offers (0: none)."""
    ret = _libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    return max(int(ret), 0)


def _fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    if abi >= 5:
        rights |= IOCTL_DEV
    return rights


def landlock(read: list, write: list, execute: list, list_only: list = ()) -> int:
    """Restrict this process and everything it starts: read (and list) only the trees in ``read``, list
    only the directories in ``list_only``, execute only ``execute``, write only the trees in ``write``.
    No TCP bind/connect (ABI >= 4); no signals or abstract unix sockets outside the sandbox (ABI >= 6).
    Returns the ABI in force, or 0 when the kernel has no Landlock. Paths that do not exist are skipped."""
    abi = landlock_abi()
    if abi < 1:
        return 0
    handled = _fs_rights(abi)
    net = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    attr = struct.pack("=QQQ", handled, net, scoped)[: 8 if abi < 4 else 16 if abi < 6 else 24]
    buf = ctypes.create_string_buffer(attr, len(attr))
    ruleset = _check(_libc.syscall(SYS_LANDLOCK_CREATE_RULESET, buf, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0)),
                     "landlock_create_ruleset")
    try:
        write_rights = handled & ~EXECUTE
        rules = [(p, READ_FILE | READ_DIR) for p in read] + [(p, READ_DIR) for p in list_only]
        rules += [(p, EXECUTE | READ_FILE) for p in execute] + [(p, write_rights | READ_FILE | READ_DIR) for p in write]
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                if not os.path.isdir(path):
                    rights &= FILE_ONLY
                rule = ctypes.create_string_buffer(struct.pack("=Qi", rights & handled, fd), 12)
                _check(_libc.syscall(SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
                                     rule, ctypes.c_uint32(0)), f"landlock_add_rule {path}")
            finally:
                os.close(fd)
        _check(_libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)), "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return abi


# ---- seccomp ------------------------------------------------------------------------------------------
class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


BPF_LD_W_ABS, BPF_JEQ_K, BPF_JGE_K, BPF_JSET_K, BPF_RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
RET_ALLOW, RET_KILL_PROCESS, RET_ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
ENOSYS = 38
CLONE_SYSCALLS = {"x86_64": {"clone": 56, "clone3": 435}, "aarch64": {"clone": 220, "clone3": 435}}
# clone() flags that make a namespace (the low byte of clone's flags is the exit signal, so CLONE_NEWTIME,
# 0x80, is only a clone3/unshare flag: clone3 is refused whole, unshare is denied)
CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
SECCOMP_DATA_ARG0 = 16          # offsetof(struct seccomp_data, args[0]); its low 32 bits on little-endian


def seccomp_program(machine: str | None = None) -> list:
    """The BPF program: wrong architecture -> kill; x32 ABI -> EPERM; a denied syscall -> EPERM; clone()
    with a namespace flag -> EPERM; clone3 -> ENOSYS (its flags sit in memory a filter cannot read, and
    ENOSYS makes the C library fall back to clone); else allow."""
    machine = machine or platform.machine()
    denied = sorted(DENIED_SYSCALLS[machine].values())
    clone, clone3 = CLONE_SYSCALLS[machine]["clone"], CLONE_SYSCALLS[machine]["clone3"]
    # (code, true label, false label, k): labels are resolved to the relative jumps BPF wants
    body = [(BPF_LD_W_ABS, 0, 0, 4),                                  # seccomp_data.arch
            (BPF_JEQ_K, "nr", "kill", AUDIT_ARCH[machine]),
            ("nr", BPF_LD_W_ABS, 0, 0, 0)]                            # seccomp_data.nr
    if machine == "x86_64":
        body.append((BPF_JGE_K, "eperm", 0, 0x40000000))              # x32 syscalls -> EPERM
    body += [(BPF_JEQ_K, "enosys", 0, clone3), (BPF_JEQ_K, "clone", 0, clone)]
    body += [(BPF_JEQ_K, "eperm", 0, nr) for nr in denied]
    body += [(BPF_RET_K, 0, 0, RET_ALLOW),
             ("clone", BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_ARG0),
             (BPF_JSET_K, "eperm", 0, CLONE_NAMESPACE_FLAGS),
             (BPF_RET_K, 0, 0, RET_ALLOW),
             ("kill", BPF_RET_K, 0, 0, RET_KILL_PROCESS),
             ("eperm", BPF_RET_K, 0, 0, RET_ERRNO | EPERM),
             ("enosys", BPF_RET_K, 0, 0, RET_ERRNO | ENOSYS)]
    labels = {ins[0]: i for i, ins in enumerate(body) if isinstance(ins[0], str)}
    prog = []
    for i, ins in enumerate(body):
        code, jt, jf, k = ins[1:] if isinstance(ins[0], str) else ins
        rel = [labels[j] - i - 1 if isinstance(j, str) else j for j in (jt, jf)]
        prog.append((code, *rel, k))
    return prog


def seccomp() -> bool:
    """Install the filter on this process (inherited by every process it starts). Needs no_new_privs
    (or root). False when the architecture is not one we know or the kernel refuses."""
    if platform.machine() not in AUDIT_ARCH:
        return False
    prog = seccomp_program()
    filters = (_SockFilter * len(prog))(*[_SockFilter(*ins) for ins in prog])
    fprog = _SockFprog(len(prog), filters)
    return _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) == 0
