"""Classifying a request by the GDPR rights it asks for (rules shipped in the package)."""

from mailbot.core.classification.classifier import Classification, Evidence, classify

__all__ = ["Classification", "Evidence", "classify"]
