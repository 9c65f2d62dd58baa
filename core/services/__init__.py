"""Working the pipeline: prospects, leads, steps, statuses, actions, rules and reminders."""
