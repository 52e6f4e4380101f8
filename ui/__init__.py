"""Signpost's Qt user interface: thin widgets that collect input and show what ``app`` computes."""
