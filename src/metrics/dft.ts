/** Cosines and sines of the length-n DFT, 2 pi k j / n for k, j < n, so each plane costs no trigonometry. */
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(n * n);
  const sin = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      // (k * j) mod n keeps the angle small, so cos and sin are exact to rounding for every k, j.
      const angle = (2 * Math.PI * ((k * j) % n)) / n;
      cos[k * n + j] = Math.cos(angle);
      sin[k * n + j] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/**
 * The power |F(ky, kx)|^2 of the 2-D DFT of real height x width planes, F(ky, kx) = sum over pixels x(r, c)
 * e^{-2 pi i (ky r / height + kx c / width)}: unnormalised, numpy's default ("backward") np.fft.fft2.
 *
 * A separable direct DFT, O(h w (h + w)) per plane: 28x28 and 32x32 are not all powers of two, which radix-2
 * FFT packages (fft.js) require, and at these sizes the direct transform is about 1e5 multiply-adds per plane.
 * A real plane's transform is conjugate-symmetric, P(ky, kx) = P(-ky, -kx), so only the columns kx <= width / 2
 * are computed; each stands for `copies(kx)` frequencies (half the work).
 */
export class RealDft2d {
  readonly height: number;
  readonly width: number;
  /** The last column computed, floor(width / 2): `halfPower` holds (half + 1) columns. */
  readonly half: number;
  private readonly rows: { cos: Float64Array; sin: Float64Array };
  private readonly cols: { cos: Float64Array; sin: Float64Array };
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(height: number, width: number) {
    this.height = height;
    this.width = width;
    this.half = Math.floor(width / 2);
    this.rows = twiddles(width);
    this.cols = twiddles(height);
    this.re = new Float64Array(height * (this.half + 1));
    this.im = new Float64Array(height * (this.half + 1));
  }

  /** How many frequencies column kx stands for: kx = 0 and (even width) kx = width / 2 are their own mirrors. */
  copies(kx: number): 1 | 2 {
    return kx === 0 || 2 * kx === this.width ? 1 : 2;
  }

  /**
   * |F(ky, kx)|^2 for every ky and kx <= half, at out[ky * (half + 1) + kx], of the plane whose pixel (r, c) is
   * values[offset + (r * width + c) * stride] (a channel of an NHWC batch: offset = image start + channel,
   * stride = channels).
   */
  halfPower(values: ArrayLike<number>, offset = 0, stride = 1, out: Float64Array = new Float64Array(this.height * (this.half + 1))): Float64Array {
    const { height: h, width: w, half, re, im } = this;
    const cols = half + 1;
    const rowCos = this.rows.cos;
    const rowSin = this.rows.sin;
    const colCos = this.cols.cos;
    const colSin = this.cols.sin;
    // Along each row: real input, so one multiply per term; zero pixels (most of a digit) add nothing.
    re.fill(0);
    im.fill(0);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const v = values[offset + (r * w + c) * stride];
        if (v === 0) continue;
        for (let kx = 0; kx <= half; kx++) {
          re[r * cols + kx] += v * rowCos[kx * w + c];
          im[r * cols + kx] -= v * rowSin[kx * w + c];
        }
      }
    }
    // Down each column of the row transforms.
    for (let kx = 0; kx <= half; kx++) {
      for (let ky = 0; ky < h; ky++) {
        let sr = 0;
        let si = 0;
        const t = ky * h;
        for (let r = 0; r < h; r++) {
          const c = colCos[t + r];
          const sn = colSin[t + r];
          const a = re[r * cols + kx];
          const b = im[r * cols + kx];
          // (a + ib)(c - is)
          sr += a * c + b * sn;
          si += b * c - a * sn;
        }
        out[ky * cols + kx] = sr * sr + si * si;
      }
    }
    return out;
  }
}
