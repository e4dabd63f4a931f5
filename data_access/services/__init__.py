"""Domain services: one module per use case, each returning a view-model (plain data) for one page part."""
