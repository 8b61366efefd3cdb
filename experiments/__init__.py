"""Reproducible studies: each module runs with ``python -m experiments.<name>``."""
