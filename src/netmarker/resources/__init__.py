"""Small packaged data files (gene identifier maps); see ATTRIBUTION.md for sources and licences."""
