"""The editions other than the HTML book (PDF, EPUB), the metadata record every format reads, and the downloads."""
