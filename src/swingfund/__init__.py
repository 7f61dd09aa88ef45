"""swingfund: targeting, scorecards, committee decisions and transparent money for UK community groups."""

__version__ = "0.1.0"
