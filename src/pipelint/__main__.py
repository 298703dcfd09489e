"""``python -m pipelint`` runs the command line."""

from .launch import run

run()
