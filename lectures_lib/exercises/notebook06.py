"""Exercises of notebook 06: the learning rate."""

from __future__ import annotations

EXERCISES: list = []  # written with the notebook in this round
