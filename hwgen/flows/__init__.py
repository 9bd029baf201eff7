"""Tool flows: scripts for vendor tools (generated and tested here) and their runners."""
