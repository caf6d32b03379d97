"""Implementations of the ``epireport`` commands, one module each, imported on demand."""
