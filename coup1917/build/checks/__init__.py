"""Read-back checks of the built editions: the authorial text of the HTML, the PDF and the EPUB against the
copy-text, and EPUBCheck."""
