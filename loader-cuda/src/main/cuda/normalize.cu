// Stoker's batch normalization on the GPU: uint8 NHWC -> float32/float16 NCHW,
// out = fma(v, scale[ch], bias[ch]) with an optional per-sample left-right flip, and the
// matching flip of the samples' boxes. The CPU reference, which must stay bit-identical, is
// dev.stoker.cuda.NormalizeReference (the same single-rounded fma, then round-to-nearest-even
// for float16).
//
// Work split: one thread per output pixel position (b, y, x), looping over the c channels.
// Consecutive threads take consecutive x, so each of the c plane writes of a warp is one
// contiguous, coalesced run, and the warp's reads cover one contiguous run of 32 * c input bytes
// (read in reverse order when the sample is flipped, which touches the same cache lines). A
// thread per output element would instead re-derive the same coordinates c times and read the
// input with a stride of c bytes per thread. Grid-stride loops with size_t indices, so any grid
// size covers any n * h * w.
#include <cuda_fp16.h>

namespace {

__device__ __forceinline__ void store(float* out, size_t i, float v) { out[i] = v; }

__device__ __forceinline__ void store(__half* out, size_t i, float v) { out[i] = __float2half_rn(v); }

// I is the type of the coordinate arithmetic: 32-bit when n * h * w fits (the usual case; a
// 64-bit division is emulated in many instructions), size_t otherwise. Offsets are always size_t.
template <typename T, typename I>
__device__ __forceinline__ void normalizeIndexed(const unsigned char* __restrict__ in, T* __restrict__ out,
                                                 const int* __restrict__ flip, const float* __restrict__ scaleBias,
                                                 int n, int h, int w, int c) {
  const I plane = (I)h * (I)w;
  const I pixels = (I)n * plane;
  const I stride = (I)gridDim.x * blockDim.x;
  for (I p = (I)blockIdx.x * blockDim.x + threadIdx.x; p < pixels; p += stride) {
    const I b = p / plane;
    const I yx = p - b * plane;
    const I y = yx / (I)w;
    const I x = yx - y * (I)w;
    const I xs = (flip != nullptr && flip[b] != 0) ? (I)(w - 1) - x : x;
    const unsigned char* src = in + (((size_t)b * h + y) * w + xs) * c;
    T* dst = out + (size_t)b * c * plane + yx;
    for (int ch = 0; ch < c; ++ch) {
      store(dst, (size_t)ch * plane, __fmaf_rn((float)src[ch], scaleBias[ch], scaleBias[c + ch]));
    }
  }
}

template <typename T>
__device__ __forceinline__ void normalize(const unsigned char* in, T* out, const int* flip, const float* scaleBias,
                                          int n, int h, int w, int c) {
  // The grid adds at most gridDim.x * blockDim.x past the last pixel before the loop test.
  const size_t last = (size_t)n * h * w + (size_t)gridDim.x * blockDim.x;
  if (last <= 0xFFFFFFFFull) {
    normalizeIndexed<T, unsigned>(in, out, flip, scaleBias, n, h, w, c);
  } else {
    normalizeIndexed<T, size_t>(in, out, flip, scaleBias, n, h, w, c);
  }
}

}  // namespace

extern "C" __global__ void stoker_normalize_f32(const unsigned char* in, float* out, const int* flip,
                                                const float* scaleBias, int n, int h, int w, int c) {
  normalize<float>(in, out, flip, scaleBias, n, h, w, c);
}

extern "C" __global__ void stoker_normalize_f16(const unsigned char* in, __half* out, const int* flip,
                                                const float* scaleBias, int n, int h, int w, int c) {
  normalize<__half>(in, out, flip, scaleBias, n, h, w, c);
}

// One thread per box slot (b, k) of boxes float32 [n][maxBoxes][4] = x0, y0, x1, y1. Boxes of a
// flipped sample become (width - x1, y0, width - x0, y1); padding slots (label -1) are left alone.
extern "C" __global__ void stoker_flip_boxes(float* boxes, const int* boxLabels, const int* flip, int n,
                                             int maxBoxes, float width) {
  const size_t slots = (size_t)n * maxBoxes;
  const size_t stride = (size_t)gridDim.x * blockDim.x;
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < slots; i += stride) {
    const size_t b = i / maxBoxes;
    if (flip[b] == 0 || boxLabels[i] < 0) {
      continue;
    }
    float* box = boxes + i * 4;
    const float x0 = box[0];
    const float x1 = box[2];
    box[0] = width - x1;
    box[2] = width - x0;
  }
}
