"""Prose and data checks run over a written report."""
