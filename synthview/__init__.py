__version__ = "0.1.0"
from . import core as _core   # refuses a non-TensorFlow Keras backend in one line, before any module imports Keras
