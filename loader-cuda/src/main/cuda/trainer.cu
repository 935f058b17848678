// Stoker's reference trainer: softmax regression over grid-pooled features of a normalized
// float32 NCHW batch. Three kernels, each with a CPU twin of the same name in
// dev.stoker.cuda.TrainerMath (the GPU checks compare them; tolerances are in its Javadoc).
//
//   stoker_pool          feat[b][ch*grid*grid + gy*grid + gx] = mean of the cell's pixels
//   stoker_softmax_grad  grad += sum over the batch of (softmax - onehot) x [feat, 1]; stats += loss, hits
//   stoker_sgd           weights -= step * grad; grad = 0
//
// Products that feed a sum use __fmaf_rn, as the Java twin uses Math.fma.

#include <cstddef>

// stoker_pool must be launched with exactly this many threads per block (tree reduction).
#define STOKER_POOL_THREADS 256

// One block per (sample, feature), block-strided over n * c * grid * grid items. The cell of
// feature (ch, gy, gx) covers rows [gy*h/grid, (gy+1)*h/grid) and columns [gx*w/grid, (gx+1)*w/grid)
// (integer division); h and w must be at least grid, so no cell is empty.
extern "C" __global__ void stoker_pool(const float* __restrict__ in, float* __restrict__ feat, int n, int c, int h,
                                       int w, int grid) {
  __shared__ float partial[STOKER_POOL_THREADS];
  const int cells = grid * grid;
  const int f = c * cells;
  const size_t items = (size_t)n * (size_t)f;
  for (size_t item = blockIdx.x; item < items; item += gridDim.x) {
    const size_t b = item / (size_t)f;
    const int feature = (int)(item % (size_t)f);
    const int ch = feature / cells;
    const int cell = feature % cells;
    const int gy = cell / grid;
    const int gx = cell % grid;
    const int y0 = (int)((long long)gy * h / grid);
    const int y1 = (int)((long long)(gy + 1) * h / grid);
    const int x0 = (int)((long long)gx * w / grid);
    const int x1 = (int)((long long)(gx + 1) * w / grid);
    const int cellWidth = x1 - x0;
    const int count = (y1 - y0) * cellWidth;
    const float* plane = in + (b * (size_t)c + (size_t)ch) * (size_t)h * (size_t)w;
    float sum = 0.0f;
    for (int i = threadIdx.x; i < count; i += blockDim.x) {
      const int y = y0 + i / cellWidth;
      const int x = x0 + i % cellWidth;
      sum += plane[(size_t)y * (size_t)w + (size_t)x];
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int half = STOKER_POOL_THREADS / 2; half > 0; half >>= 1) {
      if (threadIdx.x < half) {
        partial[threadIdx.x] += partial[threadIdx.x + half];
      }
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      feat[item] = partial[0] / (float)count;
    }
    __syncthreads();  // partial is reused by the next item
  }
}

// One block per sample, block-strided over n. Dynamic shared memory: (f + 1 + k) floats.
// weights and grad are [k][f + 1], the last column the bias (its input is the constant 1).
// Adds to grad (atomically, so the batch sum's order varies) and to stats[0] (loss sum) and
// stats[1] (samples whose argmax, ties to the lowest class, equals the label), both before any
// update. A label outside [0, k) adds NaN to stats[0] and nothing to grad.
extern "C" __global__ void stoker_softmax_grad(const float* __restrict__ feat, const float* __restrict__ weights,
                                               const int* __restrict__ labels, int n, int f, int k,
                                               float* __restrict__ grad, float* __restrict__ stats) {
  extern __shared__ float shared[];
  float* x = shared;          // f + 1 inputs, x[f] = 1
  float* coef = shared + f + 1;  // k logits, then p - onehot
  __shared__ float top;
  __shared__ float total;
  __shared__ int label;
  const int stride = f + 1;
  for (int b = blockIdx.x; b < n; b += gridDim.x) {
    const float* row = feat + (size_t)b * (size_t)f;
    for (int i = threadIdx.x; i < f; i += blockDim.x) {
      x[i] = row[i];
    }
    if (threadIdx.x == 0) {
      x[f] = 1.0f;
    }
    __syncthreads();
    for (int j = threadIdx.x; j < k; j += blockDim.x) {
      const float* wj = weights + (size_t)j * (size_t)stride;
      float acc = 0.0f;
      for (int i = 0; i < stride; i++) {
        acc = __fmaf_rn(wj[i], x[i], acc);
      }
      coef[j] = acc;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      const int y = labels[b];
      float m = coef[0];
      int best = 0;
      for (int j = 1; j < k; j++) {
        if (coef[j] > m) {
          m = coef[j];
          best = j;
        }
      }
      float s = 0.0f;
      for (int j = 0; j < k; j++) {
        s += expf(coef[j] - m);
      }
      if (y >= 0 && y < k) {
        atomicAdd(&stats[0], logf(s) + m - coef[y]);
        atomicAdd(&stats[1], best == y ? 1.0f : 0.0f);
      } else {
        atomicAdd(&stats[0], __int_as_float(0x7fc00000));  // NaN: the run's loss shows the bad label
      }
      top = m;
      total = s;
      label = y;
    }
    __syncthreads();
    if (label >= 0 && label < k) {  // uniform across the block
      for (int j = threadIdx.x; j < k; j += blockDim.x) {
        coef[j] = expf(coef[j] - top) / total - (j == label ? 1.0f : 0.0f);
      }
      __syncthreads();
      const int count = k * stride;
      for (int i = threadIdx.x; i < count; i += blockDim.x) {
        atomicAdd(&grad[i], coef[i / stride] * x[i % stride]);
      }
    }
    __syncthreads();  // x and coef are reused by the next sample
  }
}

// Grid-strided: weights[i] = fma(-step, grad[i], weights[i]); grad[i] = 0.
extern "C" __global__ void stoker_sgd(float* __restrict__ weights, float* __restrict__ grad, int count, float step) {
  const size_t stride = (size_t)blockDim.x * gridDim.x;
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < (size_t)count; i += stride) {
    weights[i] = __fmaf_rn(-step, grad[i], weights[i]);
    grad[i] = 0.0f;
  }
}
