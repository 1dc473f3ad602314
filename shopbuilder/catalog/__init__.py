"""Catalog import and export: spreadsheets in, spreadsheets out."""
