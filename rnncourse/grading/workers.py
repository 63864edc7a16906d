"""Parent side: grade many notebooks in parallel so that no notebook can take the run down.

Each notebook is graded in its own forked worker process (at most ``n_workers`` at a time), which
sends each test result to the parent as soon as it is graded. When a worker dies (killed, out of
memory, a grader bug that crashes the interpreter), the parent keeps the results it received, charges
the test that was running to that notebook ("not graded: the grader's worker died"), and starts a new
worker for the remaining tests. Every student always gets a Result, so the gradebook is always written.

A grader ended by SIGTERM (a CI timeout) or SIGINT cleans up before it goes: each worker turns the signal
into SystemExit, so its children are killed and their scratch, mount and cgroup removed on the way out;
the parent passes the signal on to the workers and waits for them. Each worker also gets SIGTERM when the
parent dies some other way (SIGKILL), and each child's launcher SIGKILL when its worker does.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import traceback
from multiprocessing.connection import wait

from .grader import Result, TestResult, _result, grade_notebook, plan
from .sandbox import clean_up_after_killed_graders
from .spec import test_id

MAX_RESTARTS = 3


def _exit_on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def _work(conn, job, done, parent):
    """Worker body: grade, streaming results; never returns an exception to the parent."""
    import sys

    from .fence import set_parent_death_signal

    if "torch" in sys.modules:          # a parent that imported torch with a thread pool (e.g. the pytest plugin)
        sys.modules["torch"].set_num_threads(1)     # one thread: libgomp then never touches the pool it inherited
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGINT, _exit_on_signal)
    set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:
        return
    try:
        result = grade_notebook(job["path"], job["assignment"], job["student"], secret=job["secret"],
                                limits=job["limits"], done=done,
                                on_test=lambda t: conn.send(("test", t)))
        conn.send(("done", result))
    except BaseException:  # noqa: BLE001 - report, then die
        conn.send(("error", traceback.format_exc(limit=5)))
    finally:
        conn.close()


class _Job:
    def __init__(self, spec: dict):
        self.spec, self.done, self.notes, self.result, self.restarts = spec, {}, [], None, 0

    def fail_next(self, reason: str) -> None:
        """Charge the first test not yet graded: it was running when the worker died."""
        for part, test, points in plan(self.spec["assignment"]):
            name = test_id(part.name, test.name)
            if name not in self.done:
                self.done[name] = _result(part, test, points, 0.0, reason)
                return

    def give_up(self, reason: str) -> Result:
        result = Result(self.spec["student"], self.spec["assignment"].name, notes=self.notes)
        for part, test, points in plan(self.spec["assignment"]):
            result.tests.append(self.done.get(test_id(part.name, test.name)) or _result(part, test, points, 0.0, reason))
        return result


def grade_all(jobs: list, n_workers: int) -> list:
    """Grade every job ({path, assignment, student, secret, limits}); results in the order of ``jobs``."""
    ctx = multiprocessing.get_context("fork")
    pending, running, free_slots = [_Job(j) for j in jobs], {}, list(range(max(1, n_workers)))
    queue = list(pending)
    main_thread = threading.current_thread() is threading.main_thread()      # signals are set there only
    previous = {sig: signal.signal(sig, _exit_on_signal) for sig in (signal.SIGTERM, signal.SIGINT)} if main_thread else {}
    try:
        _run(ctx, queue, running, free_slots)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for _job, proc, _slot in running.values():     # only when ended by a signal: the workers clean up
            if proc.is_alive():
                proc.terminate()
        for _job, proc, _slot in running.values():
            proc.join(timeout=30)
    for job in pending:
        job.result.notes = job.notes + [n for n in job.result.notes if n not in job.notes]
    return [job.result for job in pending]


def _run(ctx, queue, running, free_slots) -> None:
    while queue or running:
        while queue and free_slots:
            job, slot = queue.pop(0), free_slots.pop(0)
            parent_conn, child_conn = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_work, args=(child_conn, job.spec, dict(job.done), os.getpid()), daemon=True)
            proc.start()
            child_conn.close()
            running[parent_conn] = (job, proc, slot)
        for conn in wait(list(running)):
            job, proc, slot = running[conn]
            try:
                kind, payload = conn.recv()
            except (EOFError, OSError):
                kind, payload = "died", None
            if kind == "test" and isinstance(payload, TestResult):
                job.done[payload.name] = payload
                continue
            del running[conn]
            conn.close()
            proc.join(timeout=10)
            free_slots.append(slot)
            if kind == "done":
                job.result = payload
                continue
            clean_up_after_killed_graders()          # the dead worker's cgroup, scratch and child processes
            job.restarts += 1
            why = (f"the grader's worker died (exit code {proc.exitcode})" if kind == "died"
                   else "the grader's worker failed (internal error)")
            job.notes.append(f"INTERNAL: {why} while grading this notebook; the test it was running is not graded"
                             + (f"\n{payload}" if kind == "error" else ""))
            job.fail_next(f"Not graded: {why} during this test.")
            if job.restarts > MAX_RESTARTS:
                job.result = job.give_up(f"Not graded: {why} {job.restarts} times.")
            else:
                queue.append(job)
