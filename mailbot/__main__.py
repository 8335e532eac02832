"""``python -m mailbot``: the same as the ``mailbot`` command."""

from mailbot.cli.main import main

if __name__ == "__main__":  # not when a child process re-imports the main module
    main()
