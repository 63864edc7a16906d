import os
import sys

# Make tests/torch_reference.py importable as a plain module.
sys.path.insert(0, os.path.dirname(__file__))
