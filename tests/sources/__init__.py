"""Tests of the source readers (one module per format)."""
