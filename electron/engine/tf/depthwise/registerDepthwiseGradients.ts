/**
 * Installs the depthwise-convolution gradient of ./depthwiseGradients with tfjs's autodiff.
 *
 * tfjs keeps one gradient per kernel name for all backends. The override uses the
 * forward-convolution formulation on wasm (whose backend has no DepthwiseConv2dNativeBackprop*
 * kernels) and, on every backend, for dilated convolutions (tfjs's stock gradient throws for
 * dilation > 1). Elsewhere (cpu without dilation, webgl, tfjs-node) it calls the stock gradient.
 * It also installs the wasm max-pool gradient fix of ./maxPoolGradient (DARTS' max_pool_3x3).
 */
import * as tf from '@tensorflow/tfjs';
import { registerMaxPoolGradient } from './maxPoolGradient';
import { depthwiseFilterGrad, depthwiseGeometry, depthwiseInputGrad, type DepthwisePad } from './depthwiseGradients';

let registered = false;

interface DepthwiseAttrs {
  strides: number | [number, number];
  pad: DepthwisePad;
  dataFormat?: string;
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function isOne(v: number | [number, number] | undefined): boolean {
  return v === undefined || (typeof v === 'number' ? v === 1 : v[0] === 1 && v[1] === 1);
}

/**
 * Overrides the gradients of DepthwiseConv2dNative and (on wasm) MaxPool once per process
 * (idempotent). It does not depend on which backend is active when called.
 */
export function registerDepthwiseGradients(): void {
  if (registered) return;
  registerMaxPoolGradient();
  const original = tf.getGradient('DepthwiseConv2dNative');
  tf.registerGradient({
    kernelName: 'DepthwiseConv2dNative',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as DepthwiseAttrs;
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dilated = !isOne(a.dilations);
      const mine = (tf.getBackend() === 'wasm' || dilated) && a.dataFormat !== 'NCHW' && filter.shape[3] === 1 && x.rank === 4;
      if (!mine) return original.gradFunc(dy, saved, attrs);
      const g = depthwiseGeometry(x.shape, filter.shape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode);
      if ((g.strideH > 1 || g.strideW > 1) && (g.dilationH > 1 || g.dilationW > 1)) {
        throw new Error('depthwise gradient: stride and dilation cannot both exceed 1 (tfjs forbids it in the forward pass too)');
      }
      return {
        x: () => depthwiseInputGrad(dy as tf.Tensor4D, filter, g),
        filter: () => depthwiseFilterGrad(x, dy as tf.Tensor4D, g),
      };
    },
  });
  registered = true;
}
