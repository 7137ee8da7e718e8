"""Benchmarks and evaluations: speed and memory, geoparse and campaign accuracy, bench corpus."""
