"""Developer tools: demo data, seed_scale, the benchmark. Nothing at runtime imports them;
the management commands are thin wrappers."""
