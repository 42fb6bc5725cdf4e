"""Computation: evaluation, commune roll-up, scoring, outcome, status, exemplars, awards.

Pure functions over the models that return data: no terminal, no report text.
"""
