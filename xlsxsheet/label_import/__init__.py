"""Import a hand-made workbook by its labels (issue 22): see docs/import.md.

label_text (normalising labels), label_index (a city's cells as labels with positions),
label_paths (the labels a layout's template prints for each field), label_match (finding each
field in a city's workbook), import_result (what was found, where, and what was not),
importer (the stages together, and the xlsxsheet workbook written from them).
"""
