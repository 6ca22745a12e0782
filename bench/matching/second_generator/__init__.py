"""An independent second synthetic-data generator for the matching benchmark (see README.md).

Use ``from bench.matching.second_generator.generate import generate`` or run
``python -m bench.matching.second_generator.generate --records N --applicants M --seed S --out DIR``.
"""
