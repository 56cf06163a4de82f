// Mark a load complete; `seq` orders datasets() by completion.
MATCH (d:Dataset {dataset_id: $dataset_id})
OPTIONAL MATCH (done:Dataset)
WHERE done.complete = true
WITH d, max(done.seq) AS last
SET d.complete = true, d.counts = $counts, d.loaded_at = $loaded_at,
    d.seq = coalesce(last, 0) + 1
