import { describe, expect, it } from "vitest";
import type { Variant } from "../../src/models/index.js";
import { MemoryWriter } from "../../src/tensorboard/index.js";
import {
  ADVERSARIAL_WARNING_TAG,
  AdversarialBalanceObserver,
  BALANCE_RULE,
  BalanceWatch,
  type BalanceEpisode,
  type BalancePoint,
} from "../../src/train/observers/index.js";
import type { TrainContext } from "../../src/train/observers/observer.js";
import { tinyConfig } from "../helpers/tiny-run.js";

const WINS: BalancePoint = { accuracy: 1, logitReal: 6, logitFake: -5 };
const CHANCE: BalancePoint = { accuracy: 0.51, logitReal: 0.1, logitFake: -0.05 };
const HEALTHY: BalancePoint = { accuracy: 0.75, logitReal: 0.8, logitFake: -0.9 };

/** A bce watch that needs `minSteps` steps; logging points every `every` steps. */
function watch(minSteps = 1) {
  return new BalanceWatch({ boundary: 0, logitTolerance: BALANCE_RULE.logitTolerance.bce, minSteps });
}

/** Feeds points at steps every, 2 every, ...; returns the episodes warned about, by the step they were. */
function feed(w: BalanceWatch, points: Array<BalancePoint | undefined>, every = 10, first = every): Array<BalanceEpisode & { at: number }> {
  const warned: Array<BalanceEpisode & { at: number }> = [];
  points.forEach((point, i) => {
    const at = first + i * every;
    const episode = w.observe(at, point);
    if (episode) warned.push({ ...episode, at });
  });
  return warned;
}

const repeat = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);

describe("the adversarial balance rule", () => {
  it("warns once when the discriminator wins outright for 5 logging points, with the stretch and its means", () => {
    const warned = feed(watch(), [HEALTHY, ...repeat(12, WINS)]);
    expect(warned).toEqual([{ kind: "wins", from: 11, to: 60, points: 5, accuracy: 1, logitReal: 6, logitFake: -5, at: 60 }]);
  });

  it("warns once when it sits at chance with both mean logits near the boundary", () => {
    const warned = feed(watch(), repeat(9, CHANCE));
    expect(warned.map((e) => [e.kind, e.from, e.to])).toEqual([["chance", 1, 50]]);
    expect(warned[0].accuracy).toBeCloseTo(0.51, 10);
  });

  it("does not call a discriminator at chance when its logits are far from the boundary (it calls everything real)", () => {
    expect(feed(watch(), repeat(10, { accuracy: 0.5, logitReal: 3, logitFake: 2.9 }))).toEqual([]);
  });

  it("does not warn on blips shorter than the stretch, in points or in steps", () => {
    const blips = [...repeat(4, WINS), HEALTHY, ...repeat(4, CHANCE), HEALTHY, ...repeat(4, WINS), HEALTHY];
    expect(feed(watch(), blips)).toEqual([]);
    // 6 points of 2 steps each are 12 steps: too short for a quarter of a 64-step epoch.
    expect(feed(watch(16), repeat(6, WINS), 2)).toEqual([]);
    // ... and it warns once the stretch reaches 16 steps, at its 8th point.
    expect(feed(watch(16), repeat(10, WINS), 2).map((e) => [e.to, e.points])).toEqual([[16, 8]]);
  });

  it("lets an episode go on through values that hover at the threshold, and starts none there", () => {
    const hovering = { ...WINS, accuracy: 0.98 };
    expect(feed(watch(), [WINS, hovering, WINS, hovering, hovering]).map((e) => e.points)).toEqual([5]);
    expect(feed(watch(), repeat(10, hovering))).toEqual([]);
    const nearChance = { accuracy: 0.57, logitReal: 0.7, logitFake: 0.6 };
    expect(feed(watch(), [CHANCE, nearChance, nearChance, CHANCE, nearChance]).map((e) => e.kind)).toEqual(["chance"]);
    expect(feed(watch(), repeat(10, nearChance))).toEqual([]);
  });

  it("warns again after a recovery and a relapse, and not for the warm-up's points without diagnostics", () => {
    const warned = feed(watch(), [undefined, undefined, ...repeat(6, WINS), HEALTHY, ...repeat(5, WINS), ...repeat(5, CHANCE)]);
    expect(warned.map((e) => [e.kind, e.from, e.to])).toEqual([
      ["wins", 21, 70],
      ["wins", 91, 140],
      ["chance", 141, 190],
    ]);
    // A stretch the warm-up interrupts starts again after it.
    expect(feed(watch(), [...repeat(3, WINS), undefined, ...repeat(3, WINS)])).toEqual([]);
  });

  it("takes lsgan's boundary of 0.5 for chance", () => {
    const lsgan = new BalanceWatch({ boundary: 0.5, logitTolerance: BALANCE_RULE.logitTolerance.lsgan, minSteps: 1 });
    expect(feed(lsgan, repeat(5, { accuracy: 0.5, logitReal: 0.55, logitFake: 0.45 })).map((e) => e.kind)).toEqual(["chance"]);
    // The same scores are too far from bce's boundary of 0, and bce's chance is not lsgan's.
    expect(feed(watch(), repeat(5, { accuracy: 0.5, logitReal: 0.55, logitFake: 0.45 }))).toEqual([]);
    const lsganFar = new BalanceWatch({ boundary: 0.5, logitTolerance: BALANCE_RULE.logitTolerance.lsgan, minSteps: 1 });
    expect(feed(lsganFar, repeat(5, { accuracy: 0.5, logitReal: 0, logitFake: 0 }))).toEqual([]);
  });

  it("continues from its saved state as if never interrupted, through JSON", () => {
    const points = [HEALTHY, ...repeat(3, WINS), HEALTHY, ...repeat(8, WINS)];
    const reference = feed(watch(), points);
    for (let cut = 1; cut < points.length; cut++) {
      const first = watch();
      const before = feed(first, points.slice(0, cut));
      const second = watch();
      second.restore(JSON.parse(JSON.stringify(first.save())));
      const after = feed(second, points.slice(cut), 10, 10 * (cut + 1));
      expect([...before, ...after], `cut at ${cut}`).toEqual(reference);
    }
    // A checkpoint written before the observer existed: as a new run.
    const fresh = watch();
    fresh.restore(undefined);
    expect(feed(fresh, points)).toEqual(reference);
  });
});

/** The smallest TrainContext the observer reads. */
function context(variant: "ae+gan" | "aae" | "vae", lines: string[], writer: MemoryWriter): TrainContext {
  const networks = variant === "ae+gan" ? { discriminator: {} } : variant === "aae" ? { latentDiscriminator: {} } : {};
  return {
    config: tinyConfig({ model: { variant } }),
    variant: { networks } as unknown as Variant,
    writer,
    stepsPerEpoch: 8,
    message: (line: string) => lines.push(line),
  } as unknown as TrainContext;
}

const logs = (p: BalancePoint) =>
  new Map([
    ["autoencoder/recon", 1],
    ["diagnostics/D_accuracy", p.accuracy],
    ["diagnostics/D_logit_real", p.logitReal],
    ["diagnostics/D_logit_fake", p.logitFake],
  ]);

describe("the adversarial balance observer", () => {
  it("prints one line and writes one TensorBoard text per episode, naming the step, what was seen and what to try", () => {
    const lines: string[] = [];
    const writer = new MemoryWriter();
    const ctx = context("ae+gan", lines, writer);
    const observer = new AdversarialBalanceObserver();
    observer.setup(ctx);
    for (let step = 1; step <= 12; step++) observer.onStepEnd({ epoch: 1, step, stepInEpoch: step, logs: logs(step > 2 ? WINS : HEALTHY) }, ctx);
    // Steps without logs are not logging points.
    observer.onStepEnd({ epoch: 1, step: 13, stepInEpoch: 13 }, ctx);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^adversarial balance: the discriminator has won outright from step 3 to step 7 \(5 logging points: it classified 100\.0% right, mean logit \+6\.00 on real inputs, -5\.00 on fakes\)/,
    );
    expect(lines[0]).toContain("train.optimizers.discriminator.lr, now 0.003");
    expect(lines[0]).toContain("adversarial.labelSmoothing");
    expect(lines[0]).toContain("adversarial.weight: adaptive");
    expect(writer.loggedTexts.map((t) => [t.tag, t.step])).toEqual([[ADVERSARIAL_WARNING_TAG, 7]]);
    expect(writer.loggedTexts[0].markdown).toContain("- a lower discriminator learning rate");
    expect(observer.state?.save()).toMatchObject({ lastLogStep: 12, streak: { kind: "wins", from: 3, points: 10, warned: true } });
  });

  it("names aae's latent discriminator and leaves out what aae cannot take", () => {
    const lines: string[] = [];
    const ctx = context("aae", lines, new MemoryWriter());
    const observer = new AdversarialBalanceObserver();
    observer.setup(ctx);
    for (let step = 1; step <= 6; step++) observer.onStepEnd({ epoch: 1, step, stepInEpoch: step, logs: logs(CHANCE) }, ctx);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("the latentDiscriminator has sat at chance from step 1 to step 5");
    expect(lines[0]).toContain("train.optimizers.latentDiscriminator.lr");
    expect(lines[0]).not.toContain("adaptive");
  });

  it("is inert, with no state in the checkpoint, in a run without a discriminator", () => {
    const lines: string[] = [];
    const ctx = context("vae", lines, new MemoryWriter());
    const observer = new AdversarialBalanceObserver();
    observer.setup(ctx);
    for (let step = 1; step <= 10; step++) observer.onStepEnd({ epoch: 1, step, stepInEpoch: step, logs: logs(WINS) }, ctx);
    expect(lines).toEqual([]);
    expect(observer.state).toBeUndefined();
  });
});
