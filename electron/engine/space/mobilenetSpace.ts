/**
 * The MobileNet-like layer-wise spaces of ABS's SPOS/ProxylessNAS experiments and of FairNAS
 * (ALGORITHMS.md part C). The network is fixed (stem conv, an MBConv(e=1, k3) block, the
 * searchable layers, a 1x1 head conv, pooling, a classifier); each searchable layer chooses
 * one MBConv op (k in {3,5,7} x e in {3,6}) or, where allowed, `identity`.
 *
 * Canonical string (ALGORITHMS.md "Project decisions"): the op names of the layers in order,
 * joined by `-`, e.g. `mb_k3_e6-identity-mb_k5_e3-...`.
 *
 * Each choice point is a {@link MobilenetLayer} carrying the shapes a network builder needs
 * (channels, stride, spatial size).
 */
import { NasError } from '../../../shared/errors';
import { IDENTITY_OP, MBCONV_OPS } from './mobilenetOps';
import type { Architecture, ChoicePoint, SearchSpace } from './searchSpace';
import { validateArchitecture } from './searchSpace';

/** One stage: `count` layers of `channels` outputs; only the first layer has `stride`. */
export interface MobilenetStage {
  readonly channels: number;
  readonly count: number;
  /** Stride of the stage's first layer (1 or 2); the others have stride 1. */
  readonly stride: number;
}

/** The fixed skeleton around the searchable layers, and the stages. */
export interface MobilenetSpaceConfig {
  /** Space name, e.g. `mobilenet-abs`. */
  readonly name: string;
  /** Image channels (3 for ImageNet, 1 for Fashion-MNIST). */
  readonly inputChannels: number;
  /** Image height = width in pixels. */
  readonly imageSize: number;
  /** Output channels of the stem conv3x3 (BN, ReLU6). */
  readonly stemChannels: number;
  /** Stride of the stem conv (2 on ImageNet). */
  readonly stemStride: number;
  /** Output channels of the fixed MBConv(e=1, k3, stride 1) block, the input of layer 0. */
  readonly firstBlockChannels: number;
  readonly stages: readonly MobilenetStage[];
  /** Output channels of the 1x1 head conv before pooling. */
  readonly headChannels: number;
  /** Whether every layer except the first of each stage may be `identity` (ABS SPOS: yes; FairNAS: no). */
  readonly identity: boolean;
}

/** A searchable layer as a choice point, with its shapes. Id `layer{index}`. */
export interface MobilenetLayer extends ChoicePoint {
  readonly index: number;
  readonly stage: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly stride: number;
  /** Spatial size of the layer's input (square). */
  readonly inputSize: number;
  /** Spatial size of the layer's output: ceil(inputSize / stride) with 'same' padding. */
  readonly outputSize: number;
  /** MBConv adds its input back (stride 1 and inChannels = outChannels). */
  readonly residual: boolean;
  /** `identity` is a candidate here. */
  readonly identityAllowed: boolean;
}

/** ABS's SPOS/ProxylessNAS space on ImageNet: 21 layers, identity in 15 of them, 6^6 * 7^15 architectures. */
export const MOBILENET_ABS_CONFIG: MobilenetSpaceConfig = {
  name: 'mobilenet-abs',
  inputChannels: 3,
  imageSize: 224,
  stemChannels: 40,
  stemStride: 2,
  firstBlockChannels: 24,
  stages: [
    { channels: 32, count: 4, stride: 2 },
    { channels: 56, count: 4, stride: 2 },
    { channels: 112, count: 4, stride: 2 },
    { channels: 128, count: 4, stride: 1 },
    { channels: 256, count: 4, stride: 2 },
    { channels: 432, count: 1, stride: 1 },
  ],
  headChannels: 1728,
  identity: true,
};

/** FairNAS's space on ImageNet: 19 layers of 6 MBConv ops, no identity (6^19 architectures). */
export const MOBILENET_FAIRNAS_CONFIG: MobilenetSpaceConfig = {
  name: 'mobilenet-fairnas',
  inputChannels: 3,
  imageSize: 224,
  stemChannels: 32,
  stemStride: 2,
  firstBlockChannels: 16,
  stages: [
    { channels: 32, count: 2, stride: 2 },
    { channels: 40, count: 4, stride: 2 },
    { channels: 80, count: 4, stride: 2 },
    { channels: 96, count: 4, stride: 1 },
    { channels: 192, count: 4, stride: 2 },
    { channels: 320, count: 1, stride: 1 },
  ],
  headChannels: 1280,
  identity: false,
};

/**
 * A small ABS-style space for quick runs on 28x28 grey images: 6 layers in 3 stages of 2, narrow
 * widths, identity in layers 1, 3 and 5 (6^3 * 7^3 = 74,088 architectures).
 */
export const MOBILENET_SMALL_CONFIG: MobilenetSpaceConfig = {
  name: 'mobilenet-small',
  inputChannels: 1,
  imageSize: 28,
  stemChannels: 8,
  stemStride: 1,
  firstBlockChannels: 8,
  stages: [
    { channels: 16, count: 2, stride: 2 },
    { channels: 24, count: 2, stride: 2 },
    { channels: 32, count: 2, stride: 1 },
  ],
  headChannels: 64,
  identity: true,
};

/** Named configs for the space registry. */
export const MOBILENET_PRESETS = {
  abs: MOBILENET_ABS_CONFIG,
  fairnas: MOBILENET_FAIRNAS_CONFIG,
  small: MOBILENET_SMALL_CONFIG,
} as const satisfies Record<string, MobilenetSpaceConfig>;
export type MobilenetPreset = keyof typeof MOBILENET_PRESETS;

function checkConfig(config: MobilenetSpaceConfig): void {
  const bad = (what: string, fix: string): never => {
    throw new NasError('INVALID_CONFIG', `MobileNet space '${config.name}': ${what}.`, { fix });
  };
  const positive = (n: number): boolean => Number.isInteger(n) && n > 0;
  for (const key of ['inputChannels', 'imageSize', 'stemChannels', 'firstBlockChannels', 'headChannels'] as const) {
    if (!positive(config[key])) bad(`${key} must be a positive integer, got ${config[key]}`, `Set ${key} to a positive integer.`);
  }
  if (config.stemStride !== 1 && config.stemStride !== 2) bad(`stemStride must be 1 or 2, got ${config.stemStride}`, 'Use stride 1 for small images, 2 for ImageNet.');
  if (config.stages.length === 0) bad('no stages', 'Give at least one stage {channels, count, stride}.');
  config.stages.forEach((s, i) => {
    if (!positive(s.channels) || !positive(s.count)) bad(`stage ${i} needs positive integer channels and count, got ${s.channels} and ${s.count}`, 'Give each stage channels >= 1 and count >= 1.');
    if (s.stride !== 1 && s.stride !== 2) bad(`stage ${i} stride must be 1 or 2, got ${s.stride}`, 'Use stride 2 to halve the resolution, else 1.');
  });
}

/** The searchable layers of a config with their shapes and candidate ops. */
export function mobilenetLayers(config: MobilenetSpaceConfig): MobilenetLayer[] {
  checkConfig(config);
  const layers: MobilenetLayer[] = [];
  let channels = config.firstBlockChannels;
  let size = Math.ceil(config.imageSize / config.stemStride);
  config.stages.forEach((stage, s) => {
    for (let i = 0; i < stage.count; i++) {
      const stride = i === 0 ? stage.stride : 1;
      const outputSize = Math.ceil(size / stride);
      const index = layers.length;
      // The first layer of a stage changes shape (or starts the stage), so it can never be skipped.
      const identityAllowed = config.identity && i > 0;
      layers.push({
        id: `layer${index}`,
        label: `layer ${index} (${stage.channels} ch, stride ${stride})`,
        ops: identityAllowed ? [...MBCONV_OPS, IDENTITY_OP] : MBCONV_OPS,
        index,
        stage: s,
        inChannels: channels,
        outChannels: stage.channels,
        stride,
        inputSize: size,
        outputSize,
        residual: stride === 1 && channels === stage.channels,
        identityAllowed,
      });
      channels = stage.channels;
      size = outputSize;
    }
  });
  return layers;
}

/** A search space whose choices are the layers' {@link MobilenetLayer} records. */
export interface MobilenetSearchSpace extends SearchSpace {
  readonly kind: 'mobilenet';
  readonly config: MobilenetSpaceConfig;
  readonly choices: readonly MobilenetLayer[];
}

/** Clear errors for ops that exist but are not allowed in a layer, before the generic check. */
function checkLayerOps(space: MobilenetSearchSpace, arch: Architecture): void {
  arch.forEach((op, i) => {
    const layer = space.choices[i];
    if (layer && op === IDENTITY_OP && !layer.identityAllowed) {
      throw new NasError('INVALID_CONFIG', `'identity' is not allowed at ${layer.id} of ${space.name}: ${space.config.identity ? 'the first layer of a stage cannot be skipped' : 'this space has no identity op'}.`, {
        fix: `Use one of: ${layer.ops.join(', ')}.`,
      });
    }
  });
  validateArchitecture(space, arch);
}

/**
 * The layer-wise space of a config. Throws NasError INVALID_CONFIG for a bad config.
 * Size: 6^(first layers) * 7^(other layers) with identity, else 6^(layers).
 */
export function createMobilenetSpace(config: MobilenetSpaceConfig): MobilenetSearchSpace {
  const choices = mobilenetLayers(config);
  const space: MobilenetSearchSpace = {
    kind: 'mobilenet',
    name: config.name,
    config,
    choices,
    format(arch: Architecture): string {
      checkLayerOps(space, arch);
      return arch.join('-');
    },
    parse(text: string): Architecture {
      const ops = text.trim().split('-');
      if (ops.length !== choices.length) {
        throw new NasError('INVALID_CONFIG', `Cannot read ${config.name} architecture '${text}': expected ${choices.length} layer ops joined by '-', got ${ops.length}.`, {
          fix: `Write one op per layer, e.g. ${choices.map((c) => c.ops[0]).join('-')}.`,
        });
      }
      checkLayerOps(space, ops);
      return ops;
    },
  };
  return space;
}
