"""One module per printed thing, each with a FORMATS mapping from a format name to a writer."""
