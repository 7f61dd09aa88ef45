"""The group using swingfund: its profile, identity and defaults (election, lens, bloc or none).

The ground floor of the house, just above elections: every other app reads a group's identity and defaults from
here (`selectors.organisation_defaults`), never from settings or code.
"""
