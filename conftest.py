"""Shared pytest fixtures for the Django side."""
