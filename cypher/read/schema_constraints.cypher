// Names of the constraints present, to detect a database without the netmarker schema.
SHOW CONSTRAINTS YIELD name
RETURN name
