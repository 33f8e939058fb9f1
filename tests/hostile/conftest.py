"""Prints the corpus's worst time and memory per command at the end of the run."""
from __future__ import annotations


def pytest_terminal_summary(terminalreporter):
    from tests.hostile import test_corpus
    if test_corpus.STATS:
        terminalreporter.section("hostile corpus: worst per command")
        terminalreporter.write_line(f"{len(test_corpus.CASES)} workbooks")
        for line in test_corpus.worst_lines():
            terminalreporter.write_line(line)
