"""Exercise questions, one module per topic (see :mod:`valuelab.exercises`)."""
