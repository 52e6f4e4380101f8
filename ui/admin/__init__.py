"""Administrator screens: staff accounts."""
