"""Testing kit for connectors: cassettes, network guard, faults, the contract suite."""
