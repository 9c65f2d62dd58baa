"""Team config: TOML files with ``extends``, validated by pydantic models."""

from salesplan.core.config.loader import load_config_file
from salesplan.core.config.models import TeamConfig

__all__ = ["TeamConfig", "load_config_file"]
