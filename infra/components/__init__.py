"""Constructs the stack composes: queues, storage, network, worker and API services."""
