"""Narrative Chinese: figures, numerals, dates and enumerations for work summaries."""
