// Host-build stand-in for CUDA's cuda_fp16.h (cuda-standin test fixture): __half is in cuda_host.h.
#pragma once
#include "../cuda_host.h"
