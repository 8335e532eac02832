"""``python -m mailbot``: the same as the ``mailbot`` command."""

from mailbot.cli.main import main

main()
