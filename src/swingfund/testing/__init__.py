"""Stand-ins for outside services and load harnesses: for tests, benchmarks and demos, never product code."""
