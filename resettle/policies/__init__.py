"""Pathway policies as code: policy data files, evaluation with reasons, simulation.

The engine (``resettle.policies.engine``) is pure Python; this package adds the Django side.
"""
