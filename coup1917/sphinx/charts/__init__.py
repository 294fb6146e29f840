"""Plotly charts as document nodes: drawn when seen in HTML, exported as vector images for the PDF and the EPUB."""
