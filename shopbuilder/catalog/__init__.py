"""Catalog import and export: spreadsheets in, spreadsheets out.

The API (see docs/catalog-import.md): `importer.detect`, `importer.import_file`,
`importer.ImportOptions`, `report.ImportReport`, `export.export_catalog`,
`export.write_template`, `presets.save_mapping_preset`. Modules are imported on use so
the CLI starts fast.
"""
