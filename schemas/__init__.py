"""JSON Schemas for each document kind; shipped inside the wheel as ``pipelint.schema_files``."""
