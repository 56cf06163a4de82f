MATCH (:Pathway)-[m:HAS_MEMBER]->(:Gene)
RETURN count(m) AS n
