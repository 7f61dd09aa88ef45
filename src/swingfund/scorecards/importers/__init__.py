"""Importers of evidence files: pledge-survey answers (`pledges.py`) and Commons division votes (`divisions.py`).

Each file is read and checked completely before anything is written, then written in one transaction: a
problem stops the whole file with `FILE:LINE: column X: what is wrong` and leaves the database unchanged.
Rows that are well-formed but name nobody we know are *unmatched*: reported, never guessed.
"""
