"""The archive served to other programs: an MCP server for AI assistants and an HTTP service."""
