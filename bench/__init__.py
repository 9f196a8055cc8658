"""`make bench`: what the bot costs, measured offline (see bench/__main__.py and BENCHMARKS.md)."""
