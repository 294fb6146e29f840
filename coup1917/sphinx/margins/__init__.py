"""Margin notes beside their own paragraph, on every screen and on paper."""
