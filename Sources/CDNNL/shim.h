// oneDNN's C API from Debian's libdnnl-dev (2.6, OpenMP runtime), for bf16 matmuls with fp32
// accumulation on CPUs with bf16 units (Tensor/MatmulBF16.swift). oneDNN runs its parallel
// regions on OpenMP threads; omp_set_num_threads (libgomp, which libdnnl links) sets how many.
#include <dnnl.h>
void omp_set_num_threads(int num_threads);
