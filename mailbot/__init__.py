"""mailbot: GDPR requests that arrive by e-mail, turned into cases for the privacy officer."""

__version__ = "0.1.0"
