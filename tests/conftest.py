"""Suite-wide settings: plugins are strict here, so a broken plugin fails instead of warning."""

import os

os.environ.setdefault("EPIREPORT_STRICT_PLUGINS", "1")
