/**
 * Registers the fast-CPU gradient formulations with tfjs's autodiff.
 *
 * tfjs keeps one gradient per kernel name for all backends, so each override checks the active
 * backend: on wasm it uses the forward-convolution formulations of ./convGradients; on any other
 * backend it calls the gradient tfjs shipped with, unchanged.
 *
 * AvgPool is the exception: tfjs's AvgPoolGrad kernels (cpu, wasm, webgl) divide by k*k
 * everywhere while its forward divides by the in-image count at the borders ('same' padding,
 * NB201's count_include_pad=False), so the stock gradient is wrong at the borders. The override
 * fixes it on every backend but tfjs-node's (`tensorflow`), whose native kernel is correct.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dFilterGrad, conv2dInputGrad, convGeometry, type ConvPad } from './convGradients';
import { avgPoolSameGrad, isSymmetricStride1Pool } from './poolGradients';
import { simdReluGrad } from './reluGradKernel';

/** Backends that take the rewritten gradients. */
const FAST_BACKENDS = new Set(['wasm']);

let registered = false;

function useFast(): boolean {
  return FAST_BACKENDS.has(tf.getBackend());
}

function registerConv2D(): void {
  const original = tf.getGradient('Conv2D');
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as { strides: [number, number]; pad: ConvPad; dataFormat: string; dilations: [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
      if (!useFast() || a.dataFormat === 'NCHW') return original.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const g = convGeometry(x.shape, filter.shape, a.strides, a.dilations, a.pad, a.dimRoundingMode);
      return {
        x: () => conv2dInputGrad(dy as tf.Tensor4D, filter, g),
        filter: () => conv2dFilterGrad(x, dy as tf.Tensor4D, g),
      };
    },
  });
}

/** ReLU: one SIMD pass on wasm (./reluGradKernel) instead of Step then Multiply. */
function registerRelu(): void {
  const original = tf.getGradient('Relu');
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor;
      if (!useFast()) return original.gradFunc(dy, saved, attrs);
      return { x: () => simdReluGrad(dy as tf.Tensor, x) ?? tf.mul(dy as tf.Tensor, tf.step(tf.cast(x, 'float32'))) };
    },
  });
}

function registerAvgPool(): void {
  const original = tf.getGradient('AvgPool');
  tf.registerGradient({
    kernelName: 'AvgPool',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as { filterSize: number | [number, number]; strides: number | [number, number]; pad: unknown };
      const x = saved[0] as tf.Tensor4D;
      if (tf.getBackend() === 'tensorflow' || x.rank !== 4 || !isSymmetricStride1Pool(a.filterSize, a.strides, a.pad)) return original.gradFunc(dy, saved, attrs);
      const k = typeof a.filterSize === 'number' ? a.filterSize : a.filterSize[0];
      return { x: () => avgPoolSameGrad(dy as tf.Tensor4D, k) };
    },
  });
}

/** Installs the overrides once per process (idempotent). */
export function registerFastGradients(): void {
  if (registered) return;
  registerConv2D();
  registerAvgPool();
  registerRelu();
  registered = true;
}
