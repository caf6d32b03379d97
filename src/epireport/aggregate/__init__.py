"""Aggregation across org units and time, completeness, comparisons and validation rules."""
