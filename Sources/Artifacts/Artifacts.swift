// The content-addressed store: zstd objects named by the SHA-256 of their payload, payload formats, manifests and the run cache (DESIGN.md §2).
// (This module is being built; its files arrive with the issue that owns it.)
