"""kg: a knowledge graph of who said what and who supplies which weapons to whom, from news."""
from kg.errors import KgError

__version__ = "0.1.0"
__all__ = ["KgError", "__version__"]
