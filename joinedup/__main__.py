"""Run the command line as `python -m joinedup`."""

from joinedup.cli import main

main()
