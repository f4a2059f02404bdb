"""Tests of trailsweep.esql."""
