"""Synthetic demo world: HR records and applications with known truth (see generator.py)."""

from resettle.demo.generator import DemoFiles, generate

__all__ = ["DemoFiles", "generate"]
