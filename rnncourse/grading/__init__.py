"""The autograder: notebooks run in a sandboxed child; every verdict is computed in the trusted parent.

Modules (parent side unless noted):
    spec        what an assignment is: parts, tests, input generators, references, tolerances
    assignments one module per assignment (hidden and public tests, references from rnncourse.scratch / autograd)
    drivers     CHILD side: call the student's functions with given arrays, return arrays (no reference code)
    runner      CHILD side: the program the sandbox starts; runs the notebook, then serves driver calls
    sandbox     start/stop the child with resource limits; exchange plain data (JSON + .npz, no pickle)
    static      AST checks of the notebook source (forbidden imports in graded code)
    notebook    read a notebook defensively; which cells run in the grader
    grader      grade one notebook: static checks, run the tests, restart after crashes, score
    report      gradebook CSV, Gradescope results.json, readable feedback
    assign      generate exercises/ from solutions/
This package must not import rnncourse.scratch or rnncourse.torch at import time: the child imports
``rnncourse.grading.runner`` and the grader checks that the reference never enters the child.
"""
