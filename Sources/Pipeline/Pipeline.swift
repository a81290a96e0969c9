// The DAG runner over pipeline.json: stage keys, staleness, running stages as child processes, lock file, archive/restore, diff.
// (This module is being built; its files arrive with the issue that owns it.)
