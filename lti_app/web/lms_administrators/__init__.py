"""Pages for LMS administrators who launch the tool: their own platform's registration, read-only."""
