"""`python -m trailsweep` runs the command line."""

from trailsweep.cli.main import main

main()
