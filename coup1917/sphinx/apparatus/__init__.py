"""What the editors add around the author's words: the editorial/authorial divide, slip marks, dual dates, citations,
paragraph numbers and hover previews."""
