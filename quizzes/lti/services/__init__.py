"""The LTI tool's writes: keys, registrations, launches, deep links, scores and rosters."""
