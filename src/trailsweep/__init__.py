"""trailsweep: Elastic's CloudTrail ES|QL detections, run anywhere."""

from __future__ import annotations

__version__ = "0.1.0"
