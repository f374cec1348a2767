"""Policy: what the organisation protects and how strict the gate is (validated YAML)."""
