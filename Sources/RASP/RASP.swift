// The RASP language: s-ops, selectors, the textual .rasp parser and the reference evaluator.
// (This module is being built; its files arrive with the issue that owns it.)
