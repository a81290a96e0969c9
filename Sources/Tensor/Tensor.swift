// Float32 buffers, CBLAS matrix products with naive oracles beside them, vectorised element-wise kernels, thread control.
// (This module is being built; its files arrive with the issue that owns it.)
