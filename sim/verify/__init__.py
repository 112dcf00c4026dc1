"""The model configured as textbook queues, checked against queueing theory."""
