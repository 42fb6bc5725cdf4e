"""Vietnamese text for people: formatted rows, report contexts, template rendering."""
