"""Analytic screening models of the ladder (registered on import by ionscales.theory.ladder)."""
