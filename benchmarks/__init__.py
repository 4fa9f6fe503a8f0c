"""Benchmarks of the assistant: latency, start-up, build, concurrent web users and corpus growth.

Run `python -m benchmarks.run` (see run.py). Nothing here is imported by the engine or the app.
"""
