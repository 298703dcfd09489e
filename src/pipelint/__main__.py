"""``python -m pipelint`` runs the command line."""

from .cli import main

main()
