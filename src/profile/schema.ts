/**
 * The device profile format, `morphlat/device-profile@1`: who the device is, its measured roofline,
 * the per-op latency samples and fitted cost functions, end-to-end calibration, validation errors and
 * how long profiling took. This zod schema is the one definition; read and written only in ./io.ts.
 */
import { z } from 'zod';

/** The schema tag every profile carries. */
export const PROFILE_SCHEMA = 'morphlat/device-profile@1';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((x) => x > 0, 'must be > 0');
const nonNegative = finite.refine((x) => x >= 0, 'must be ≥ 0');
const count = z.number().int().nonnegative();

export const GpuIdentitySchema = z.object({
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  description: z.string(),
});

export const BrowserIdentitySchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  webgl: z.object({ vendor: z.string(), renderer: z.string() }).optional(),
  webgpu: GpuIdentitySchema.optional(),
  secureContext: z.boolean(),
  crossOriginIsolated: z.boolean(),
  timerResolutionMs: z.number().nonnegative().optional(),
});

export const DeviceIdentitySchema = z.object({
  backend: z.string().min(1),
  tfjsBackend: z.string().min(1),
  tfjsVersion: z.string(),
  runtime: z.enum(['node', 'browser']),
  os: z.string(),
  cpuModel: z.string(),
  cpuCores: count,
  threads: count,
  gpu: GpuIdentitySchema.optional(),
  userAgent: z.string().optional(),
  /** The browser's facts, for profiles measured in a browser page. */
  browser: BrowserIdentitySchema.optional(),
});

/** The geometry of an op, without its channel counts: what a latency fit depends on besides them. */
export const GeometrySchema = z.object({
  kind: z.string().min(1),
  className: z.string().min(1),
  inputShapes: z.array(z.array(count)),
  outputShape: z.array(count),
  kernel: z.tuple([count, count]),
  strides: z.tuple([count, count]),
  dilation: z.tuple([count, count]),
  padding: z.enum(['same', 'valid']),
  depthMultiplier: count,
  useBias: z.boolean(),
  activation: z.string(),
  /** The layer config the probe is rebuilt from (channel fields replaced per sample). */
  config: z.record(z.string(), z.unknown()),
});

/** One timed point: alive input and output channels, median wall ms, and device kernel ms where measured. */
export const SampleSchema = z.tuple([count, count, positive, positive.nullable()]);

/** Names of the alignment rules a fit may follow (their predicates are in src/costs/latency/types.ts). */
export const ALIGNMENT_RULE_NAMES = ['in4-out4', 'in4or3-out4', 'in4or3-out4-over4', 'out4', 'in4or3-out4-few-workgroups'] as const;

/** A fitted latency function: feature family, channel quantization steps and non-negative coefficients. */
export const FitSchema = z.object({
  family: z.string().min(1),
  qIn: z.number().int().positive(),
  qOut: z.number().int().positive(),
  /** When the device's kernels take their slow path; absent in older profiles (then `in4-out4`). */
  align: z.enum(ALIGNMENT_RULE_NAMES).optional(),
  coef: z.array(nonNegative),
  /** Multiplicative corrections at measured points, interpolated between them ([aIn, aOut, ratio]). */
  residuals: z.array(z.tuple([count, count, positive])),
  trainError: z.object({ median: nonNegative, within10: nonNegative }),
});

export const OpProfileSchema = z.object({
  signature: z.string().min(1),
  geometry: GeometrySchema,
  maxIn: count,
  maxOut: count,
  /** Names of the model's layers with this signature (model-specific profiles). */
  layers: z.array(z.string()),
  samples: z.array(SampleSchema),
  heldOut: z.array(SampleSchema),
  fit: FitSchema.nullable(),
});

/** A pooled fit per op family and kernel class, for ops whose exact signature was not swept. */
export const FamilyFitSchema = z.object({
  key: z.string().min(1),
  fit: FitSchema,
});

export const RooflineSchema = z.object({
  gflops: z.record(z.string(), positive),
  bandwidthGBps: positive,
  overheadUs: nonNegative,
  /**
   * The reference probe's time during the roofline (ms): sweep samples are timed relative to the
   * reference and put back on this time. Absent in profiles from before the reference existed.
   */
  referenceMs: positive.optional(),
});

/**
 * End-to-end calibration: network ms = scale · Σ max(0, op ms − hiddenMs) + perOpMs · ops + offsetMs.
 * `hiddenMs` (absent: 0) is the part of each op's time alone that a network hides.
 */
export const CalibrationSchema = z.object({
  scale: positive,
  perOpMs: finite,
  offsetMs: finite,
  points: count,
  hiddenMs: nonNegative.optional(),
});

export const EndToEndPointSchema = z.object({
  label: z.string(),
  structure: z.record(z.string(), count),
  predictedMs: positive,
  measuredMs: positive,
  /** Which model the point belongs to (zoo name, file fingerprint or calibration net). */
  model: z.string(),
  /** A calibration net's width multiplier (generic profiles); absent in profiles from before it was recorded. */
  width: positive.optional(),
});

export const ErrorSummarySchema = z.object({
  count,
  medianAbsError: nonNegative,
  within10: nonNegative,
});

export const DeviceProfileSchema = z.object({
  schema: z.literal(PROFILE_SCHEMA),
  name: z.string().min(1),
  status: z.enum(['partial', 'complete']),
  createdAt: z.string(),
  updatedAt: z.string(),
  device: DeviceIdentitySchema,
  batch: z.number().int().positive(),
  budgetSeconds: positive,
  profilingSeconds: nonNegative,
  model: z
    .object({
      name: z.string(),
      fingerprint: z.string(),
      /** How far past the model's own widths its layers were swept (absent: to its widths). */
      headroom: z.number().min(1).optional(),
    })
    .nullable(),
  roofline: RooflineSchema.nullable(),
  ops: z.array(OpProfileSchema),
  families: z.array(FamilyFitSchema),
  calibration: CalibrationSchema.nullable(),
  calibrationPoints: z.array(EndToEndPointSchema),
  validation: z.object({
    heldOutPoints: ErrorSummarySchema.nullable(),
    endToEnd: ErrorSummarySchema.nullable(),
    endToEndPoints: z.array(EndToEndPointSchema),
  }),
  /** Work items already done, so `--resume` skips them. */
  done: z.array(z.string()),
});

export type DeviceProfile = z.infer<typeof DeviceProfileSchema>;
export type OpProfile = z.infer<typeof OpProfileSchema>;
export type Geometry = z.infer<typeof GeometrySchema>;
export type Sample = z.infer<typeof SampleSchema>;
export type Fit = z.infer<typeof FitSchema>;
export type FamilyFit = z.infer<typeof FamilyFitSchema>;
export type Roofline = z.infer<typeof RooflineSchema>;
export type Calibration = z.infer<typeof CalibrationSchema>;
export type EndToEndPoint = z.infer<typeof EndToEndPointSchema>;
export type ErrorSummary = z.infer<typeof ErrorSummarySchema>;
