"""Exercise questions, one module per topic (see :mod:`valuelab.course.checks`)."""
