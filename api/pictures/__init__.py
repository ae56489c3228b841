"""Picture cards drawn with Pillow from installed fonts: see ``api.pictures.cards``."""
