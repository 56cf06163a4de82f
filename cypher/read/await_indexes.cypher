// Wait (up to the given seconds) until new indexes are online.
CALL db.awaitIndexes($seconds)
