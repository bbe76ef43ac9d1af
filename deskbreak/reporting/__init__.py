"""Rendering of the compliance report: terminal text, CSV/JSON exports and the physio's HTML page.

Everything here takes a `compliance.Report` (or events) and returns text; the command layer reads
the store and writes the files. Charts are plain SVG from `svg_charts`.
"""
