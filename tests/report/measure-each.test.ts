import { describe, expect, it } from "vitest";
import type { FeatureClassifier } from "../../src/metrics/index.js";
import { measureEach } from "../../src/report/measure-each.js";
import { measure } from "../../src/report/run-metrics.js";

describe("one degenerate run", () => {
  it("is set aside with its reason while the other runs are measured", async () => {
    const seen: string[] = [];
    const result = await measureEach(["a", "b", "c"], async (name) => {
      seen.push(name);
      if (name === "b") throw new Error("degenerate run: 3 of its 784 reconstructed pixel values are not finite");
      return name.toUpperCase();
    });
    expect(seen).toEqual(["a", "b", "c"]);
    expect(result.measured).toEqual([
      { item: "a", metrics: "A" },
      { item: "c", metrics: "C" },
    ]);
    expect(result.unmeasured).toEqual([{ item: "b", reason: "degenerate run: 3 of its 784 reconstructed pixel values are not finite" }]);
  });

  it("is recognised by its non-finite reconstructions before any metric is computed", () => {
    const outputs = new Float32Array(2 * 4).fill(0.5);
    outputs[3] = NaN;
    outputs[6] = Infinity;
    const targets = { images: new Float32Array(8), labels: new Uint8Array(2), count: 2 };
    // The classifier is never reached: the check comes first.
    const classifier = {} as FeatureClassifier;
    expect(() =>
      measure({
        run: "r",
        step: 1,
        targets: targets as never,
        greyTargets: targets.images,
        greyscale: true,
        outputs,
        shape: { height: 2, width: 2, channels: 1 },
        classifier,
      }),
    ).toThrow("degenerate run: 2 of its 8 reconstructed pixel values are not finite");
  });
});
