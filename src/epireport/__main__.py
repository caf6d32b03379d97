"""``python -m epireport`` runs the command line."""

from epireport.cli import run

run()
