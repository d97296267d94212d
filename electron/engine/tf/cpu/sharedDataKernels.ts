/**
 * Identity and same-dtype Cast on the wasm backend without copying.
 *
 * tfjs's autodiff clones every tensor a kernel saves for its gradient (`Engine.clone`, the
 * Identity kernel) and casts each of those gradients back to float32 (Cast). The cpu backend
 * shares the data for both (reference counting); tfjs-wasm copies it, which in a C=16 training
 * step is ~170 full copies of activations (about a tenth of the step). Tensor data is immutable
 * in tfjs (kernels write fresh outputs, Variable.assign swaps the data id), so sharing is safe:
 * these kernels take a reference with the backend's own `incRef`, as its Reshape kernel does.
 */
import * as tf from '@tensorflow/tfjs';

interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

let registered = false;

function share(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Replaces the wasm backend's Identity and Cast kernels (idempotent). */
export function registerSharedDataKernels(): void {
  if (registered) return;
  const identity = tf.getKernel('Identity', 'wasm');
  const cast = tf.getKernel('Cast', 'wasm');
  if (!identity || !cast) return; // @tensorflow/tfjs-backend-wasm not loaded
  registered = true;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    ...identity,
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      return x.dtype === 'string' ? identity.kernelFunc(args) : share(x, args.backend);
    },
  });
  tf.unregisterKernel('Cast', 'wasm');
  tf.registerKernel({
    ...cast,
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      const dtype = (args.attrs as { dtype: tf.DataType }).dtype;
      return x.dtype === dtype && dtype !== 'string' ? share(x, args.backend) : cast.kernelFunc(args);
    },
  });
}
