import { crc32c } from "@aws-crypto/crc32c";

export { crc32c };

// TFRecord stores CRCs masked: a CRC computed over bytes that themselves contain CRCs
// (records nested in records) is otherwise prone to degenerate values. The rotation and
// constant are TensorFlow's (tensorflow/core/lib/hash/crc32c.h, kMaskDelta).
const MASK_DELTA = 0xa282ead8;

export function maskCrc(crc: number): number {
  const rotated = ((crc >>> 15) | (crc << 17)) >>> 0;
  return (rotated + MASK_DELTA) >>> 0;
}

export function maskedCrc32c(data: Uint8Array): number {
  return maskCrc(crc32c(data));
}
