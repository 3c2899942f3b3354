"""The course kit: answer checks, questions, student copies, grading, the course site and the
learner's working folder."""

import valuelab.core.no_iri  # noqa: F401  # first: before nbformat loads jsonschema
from valuelab.course.checks import CheckError, check, grade_namespace, questions, topics
from valuelab.course.copies import (
    PLACEHOLDER,
    build_students,
    first_error,
    learner_variant,
    student_notebook,
)
from valuelab.course.grading import grade
from valuelab.course.registry import (
    Question,
    close,
    expect,
    question,
    set_variant,
    variant_rng,
    within,
)
from valuelab.course.site import BuildError, Page, build, notebook_title
from valuelab.course.workspace import init_workspace, working_set

__all__ = [
    "PLACEHOLDER",
    "BuildError",
    "CheckError",
    "Page",
    "Question",
    "build",
    "build_students",
    "check",
    "close",
    "expect",
    "first_error",
    "grade",
    "grade_namespace",
    "init_workspace",
    "learner_variant",
    "notebook_title",
    "question",
    "questions",
    "set_variant",
    "student_notebook",
    "topics",
    "variant_rng",
    "within",
    "working_set",
]
