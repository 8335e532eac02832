"""The ``mailbot`` command line."""
