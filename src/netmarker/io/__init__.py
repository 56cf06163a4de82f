"""Readers and validators for every input format netmarker accepts."""
