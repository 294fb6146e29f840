"""Read-back checks of the built editions against the copy-text, EPUBCheck and the TEI schema."""
