"""Rules that yield problems: one unit file, the catalogue, across files, approval locks."""
