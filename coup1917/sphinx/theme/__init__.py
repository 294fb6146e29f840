"""The theme, made lighter and accessible: scripts, page speed, labels, the root redirect."""
