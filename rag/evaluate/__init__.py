"""Evaluation: metrics, question files, runs, reports, the baseline."""
