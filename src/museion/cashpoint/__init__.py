"""Cash point API: on-site sales paid in place, booking lists, tour booking prices and feedback."""
