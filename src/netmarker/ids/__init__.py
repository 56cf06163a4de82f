"""Identifier resolution: genes, drugs and samples (pure logic; the files are read in io/)."""
