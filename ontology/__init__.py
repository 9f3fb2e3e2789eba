"""The ontology, concept schemes and SHACL shapes of budgetkg, as Turtle files."""

#: The files of the ontology graph (the ontology and its concept schemes), in order.
ONTOLOGY_FILES: tuple[str, ...] = ("budgetkg.ttl", "concepts.ttl", "frameworks.ttl")
#: The SHACL shapes.
SHAPES_FILE = "shapes.ttl"
