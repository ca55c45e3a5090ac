import { describe, expect, it } from "vitest";
import { crc32c, maskCrc, maskedCrc32c } from "../../src/tensorboard/crc.js";
import { oracleCrc32c, oracleMask } from "./independent-decoder.js";

const ascii = (s: string) => new TextEncoder().encode(s);

describe("crc32c", () => {
  it("matches the CRC-32C check value", () => {
    expect(crc32c(ascii("123456789"))).toBe(0xe3069283);
    expect(oracleCrc32c(ascii("123456789"))).toBe(0xe3069283);
  });

  it("matches the RFC 3720 (iSCSI) test vectors", () => {
    const ascending = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(ascending)).toBe(0x46dd794e);
  });
});

describe("maskCrc", () => {
  it("rotates right by 15 and adds 0xa282ead8, mod 2^32", () => {
    expect(maskCrc(0)).toBe(0xa282ead8);
    expect(maskCrc(1)).toBe(0xa284ead8); // bit 0 rotates to bit 17
    expect(maskCrc(0x8000)).toBe(0xa282ead9); // bit 15 rotates to bit 0
    expect(maskCrc(0xffffffff)).toBe(0xa282ead7); // the sum wraps
    expect(maskCrc(0xe3069283)).toBe(oracleMask(0xe3069283));
  });

  it("returns unsigned 32-bit values for every high bit pattern", () => {
    for (const c of [0x80000000, 0xdeadbeef, 0x7fffffff, 0x00010000]) {
      const m = maskCrc(c);
      expect(m).toBe(oracleMask(c));
      expect(m).toBeGreaterThanOrEqual(0);
    }
  });

  it("maskedCrc32c composes both", () => {
    expect(maskedCrc32c(ascii("123456789"))).toBe(oracleMask(0xe3069283));
  });
});
