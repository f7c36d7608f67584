"""Local acts drafted from data: the kinds (``kinds/``), their registry, rendering to PDF and DOCX."""
