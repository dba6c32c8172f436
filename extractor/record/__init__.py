"""The disclosure record: its vocabulary (kinds, value keys) and text normalisation."""
