export { parseProfile, readProfile, writeProfile } from './io.js';
export { geometryOf, signatureOf } from './signature.js';
export { PROFILE_SCHEMA, DeviceProfileSchema } from './schema.js';
export type {
  Calibration,
  DeviceProfile,
  EndToEndPoint,
  ErrorSummary,
  FamilyFit,
  Fit,
  Geometry,
  OpProfile,
  Roofline,
  Sample,
} from './schema.js';
