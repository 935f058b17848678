#!/bin/bash
# Regenerates the committed kernel images: every loader-cuda/src/main/cuda/NAME.cu becomes
# loader-cuda/src/main/resources/dev/stoker/cuda/NAME.fatbin, and every gpu-checks/src/main/cuda/NAME.cu
# becomes gpu-checks/src/main/resources/dev/stoker/cuda/checks/NAME.fatbin (SASS for sm_75..sm_90
# plus compute_90 PTX, so newer GPUs JIT it), each with NAME.fatbin.sha256 (the SHA-256 of the
# source it was made from; a unit test fails when a .cu changed and this script was not run).
#
# Usage, from the project root:  scripts/build-kernels.sh      (needs nvcc 13: the driver floor in CudaStatus follows the toolkit that built the fatbins)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NVCC=${NVCC:-nvcc}
command -v "$NVCC" >/dev/null || { echo "build-kernels: nvcc not found (set NVCC)" >&2; exit 2; }
ARCHS=(-gencode arch=compute_75,code=sm_75 -gencode arch=compute_80,code=sm_80
  -gencode arch=compute_86,code=sm_86 -gencode arch=compute_89,code=sm_89
  -gencode arch=compute_90,code='[sm_90,compute_90]')
# source directory -> resource directory
build() {
  local src=$1 out=$2
  mkdir -p "$out"
  for cu in "$src"/*.cu; do
    name=$(basename "$cu" .cu)
    "$NVCC" -fatbin -O3 -std=c++17 "${ARCHS[@]}" -o "$out/$name.fatbin" "$cu"
    sha256sum "$cu" | cut -d' ' -f1 > "$out/$name.fatbin.sha256"
    echo "build-kernels: $name.fatbin ($(stat -c %s "$out/$name.fatbin") bytes)"
  done
}
build "$ROOT/loader-cuda/src/main/cuda" "$ROOT/loader-cuda/src/main/resources/dev/stoker/cuda"
build "$ROOT/gpu-checks/src/main/cuda" "$ROOT/gpu-checks/src/main/resources/dev/stoker/cuda/checks"
