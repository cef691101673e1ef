"""Roster files: reading (.xlsx/.csv), cell parsing, the template and the error workbook."""
