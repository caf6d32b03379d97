"""The domain model of epireport: org units, indicators, measures, periods and data values."""
