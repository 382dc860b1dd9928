"""Matching services: runs, drafts, edits, modes and the cache around the engine."""
