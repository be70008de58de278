"""Answers: the extractive answerer, the LLM answerer, citation verification."""
