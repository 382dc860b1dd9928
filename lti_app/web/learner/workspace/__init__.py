"""The pair's workspace: overview, goals, meetings, tasks and agreement pages."""
