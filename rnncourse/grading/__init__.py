"""The autograder: notebooks run in a sandboxed child; every verdict is computed in the trusted parent.

Modules (parent side unless noted):
    spec        what an assignment is: parts, tests, input generators, references, tolerances
    assignments one module per assignment (hidden and public tests, references from rnncourse.scratch / autograd)
    compare     compare a student's arrays with the reference and say precisely what is wrong
    drivers     CHILD side: call the student's functions with given arrays, return arrays (no reference code)
    runner      CHILD side: the program the sandbox starts; runs the notebook, then serves driver calls
    launcher    CHILD side: fence the process in (limits, namespaces, privilege drop), then exec the runner
    fence       CHILD side: the fence itself (mounts, seccomp, ...), standard library and ctypes only
    pidns       CHILD side: run the launcher's rest as pid 2 of a new pid namespace, under a tiny init
    sandbox     start/stop the child with resource limits; exchange plain data (JSON + .npz, no pickle)
    secret      the grading secret, read only from a private file, never from the environment
    static      AST checks of the notebook source (forbidden imports in graded code)
    notebook    read a notebook defensively; which cells run in the grader
    grader      grade one notebook: static checks, run the tests, restart after crashes, score
    workers     grade many notebooks in parallel, each in its own worker process
    report      gradebook CSV, Gradescope results.json, readable feedback
    gradescope  the Gradescope autograder zip and what its run_autograder runs
    assign      generate exercises/ from solutions/
    selfcheck   STUDENT side: the public tests of one part, run in the student's own kernel
This package must not import rnncourse.scratch or rnncourse.torch at import time: the child imports
``rnncourse.grading.runner`` and the grader checks that the reference never enters the child.
"""
