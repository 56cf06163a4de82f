// Load records of one dataset (kind, name), except the one a replacing load is writing
// ($keep, null when removing); records of interrupted loads go too. Returns how many
// completed loads went.
OPTIONAL MATCH (d:Dataset {kind: $kind, name: $name})
WHERE $keep IS NULL OR d.dataset_id <> $keep
WITH collect(d) AS gone
WITH gone, size([d IN gone WHERE d.complete = true]) AS n
FOREACH (d IN gone | DELETE d)
RETURN n
