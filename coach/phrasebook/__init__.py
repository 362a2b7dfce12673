"""Phrasebooks: the trainers' YAML model, its loader with file:line errors, and compiled matchers."""
