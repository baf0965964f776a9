// (replaced by tests)
