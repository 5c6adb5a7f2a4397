"""The bench's Keras baseline: what a user runs to see a model, keras.saving.load_model(path)
then summary(). Usage: python keras_summary.py FILE"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402

keras.saving.load_model(sys.argv[1], compile=False).summary()
