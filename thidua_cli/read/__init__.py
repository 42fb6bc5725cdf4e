"""Reading: bytes to checked-shape values with positions, the models, git revisions."""
