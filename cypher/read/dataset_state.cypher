// State of one load: absent (no row), interrupted (complete = false) or done.
MATCH (d:Dataset {dataset_id: $dataset_id})
RETURN d.complete AS complete, d.counts AS counts, d.before AS before
