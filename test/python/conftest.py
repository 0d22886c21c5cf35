"""Puts the in-tree package (python/cuft, with its extension built by
tools/setup.sh) first on sys.path."""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "python"))
