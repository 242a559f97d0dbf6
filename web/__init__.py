"""The web layer: thin views that parse input, call the domain, persist and render."""
