"""Matching: the engine, its rules, the solvers and the explanations of a pairing (pure, no database)."""
