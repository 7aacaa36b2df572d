"""Builders of the scenarios many tests share, one module per area (people, mail, circle, ...)."""
