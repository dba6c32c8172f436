"""Input backends: each turns one filing into positioned text lines for the region splitter."""
