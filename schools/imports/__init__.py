"""Import and export of the school registries (staff, students, partners) as XLSX or CSV.

- ``files``: reading an upload safely (type, size, row count, zip bombs);
- ``widgets`` and ``resources``: the Russian columns and how cells become model values;
- ``kinds``: the registry of importable kinds — the extension point for later kinds;
- ``runner``: all-or-nothing import with a per-row report;
- ``pending``: uploads kept between the preview and the confirmation;
- ``workbook``: the template and export files.

The formats are documented for users and operators in docs/import-formats.md.
"""
