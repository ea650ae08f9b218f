"""Shared, tested code of the gradient-descent notebook series."""

__version__ = "0.1.0"
