"""Tests of the standalone tools in tools/: make them importable."""
import os
import sys

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, os.path.normpath(TOOLS))
