"""`python -m wpmigrate` runs the command line."""

from .cli import main

main()
