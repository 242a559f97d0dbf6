"""The recommended path: offerings, hard rules and the rule-based ranking (no Flask)."""
