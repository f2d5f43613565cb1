"""Importers and exporters for standard formats."""
