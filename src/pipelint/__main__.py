"""``python -m pipelint`` runs the command line."""

from .cli import run

run()
