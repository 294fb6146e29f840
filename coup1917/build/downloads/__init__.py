"""What a reader downloads: runnable notebooks and the book as zips, and the offline site zip."""
