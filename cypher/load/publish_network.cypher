// The last statement of a network load, in the transaction holding the network's lock
// (after its genes are merged): readers switch to the staged version at once.
MATCH (n:Network {name: $network})
SET n.version = $version
