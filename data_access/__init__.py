"""Data layer: the SQL store of indicators, its importers and queries. Never imports Dash or Flask."""
