"""esql stage."""
