"""Assetmap: a community asset map for relational welfare and ABCD."""

__version__ = "0.1.0"
