import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/errors.js";
import { applyOverride, parseConfigText, validateConfig } from "../../src/config/load.js";
import { parseExperimentText } from "../../src/experiment/spec.js";

// Seeded and bounded, so a failure reproduces and the file stays within seconds.
const RUNS = { seed: 20261129, numRuns: 1000 };

/** Loads a config from text and overrides the way loadConfig does; returns "ok" or the ConfigError's message. */
function load(text: string, overrides: readonly string[] = []): string {
  try {
    const raw = parseConfigText(text, "fuzz.yaml") as Record<string, unknown>;
    for (const assignment of overrides) applyOverride(raw, assignment, "fuzz.yaml");
    validateConfig(raw, "fuzz.yaml");
    return "ok";
  } catch (error) {
    // Anything but aelab's own one-line error (a TypeError, a RangeError, a YAML library error) is a crash.
    if (!(error instanceof ConfigError)) throw error;
    expect(error.message).toMatch(/^config error in fuzz\.yaml/);
    expect(error.message).not.toContain("\n");
    return error.message;
  }
}

const shipped = readdirSync("configs")
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => readFileSync(join("configs", f), "utf8"));

const keys = [
  "seed",
  "data",
  "model",
  "train",
  "log",
  "adversarial",
  "lr",
  "epochs",
  "batchSize",
  "variant",
  "encoder",
  "hidden",
  "type",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "0",
  "",
];
const yamlValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1e308, Number.NaN, Number.POSITIVE_INFINITY, "", "mlp", "conv", "vae", "[1, 2]"),
    fc.double(),
    fc.integer(),
    fc.string(),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...keys), tie("value"), { maxKeys: 5 }),
  ),
})).value;

// Text that YAML treats specially: anchors and aliases (also self-referencing ones), tags, directives,
// several documents, flow collections, merge keys, very deep nesting.
const yamlPieces = [
  "&a ",
  "*a",
  "<<: ",
  "!!binary ",
  "!!str ",
  "!!int ",
  "!!set ",
  "!!omap ",
  "%YAML 1.2\n",
  "---\n",
  "...\n",
  "? ",
  ": ",
  "- ",
  "[",
  "]",
  "{",
  "}",
  ",",
  "\n",
  "  ",
  "#",
  "'",
  '"',
  "|",
  ">",
  "\t",
  "\\",
  "train",
  "lr",
  "model",
  "seed",
  "1",
  "-1",
  "1e999",
  ".nan",
  "~",
  "null",
  "__proto__",
];
const yamlText = fc.array(fc.constantFrom(...yamlPieces), { maxLength: 40 }).map((pieces) => pieces.join(""));

/** A shipped config with a few characters replaced, inserted or deleted. */
const mutatedConfig = fc
  .tuple(fc.constantFrom(...shipped), fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 6 }))
  .map(([text, edits]) => {
    let out = text;
    for (const [at, kind, piece] of edits) {
      const i = at % (out.length + 1);
      out = kind === 0 ? out.slice(0, i) + piece + out.slice(i + 1) : kind === 1 ? out.slice(0, i) + piece + out.slice(i) : out.slice(0, i) + out.slice(i + 1);
    }
    return out;
  });

const setString = fc.oneof(
  fc.string(),
  fc
    .tuple(
      fc.array(fc.constantFrom(...keys, "train", "model.encoder", "a"), { minLength: 0, maxLength: 4 }),
      fc.constantFrom("=", "", "=="),
      fc.oneof(fc.string(), fc.constantFrom("[1", "{a: 1}", "&x [*x]", "!!binary AAAA", "1e999", "~")),
    )
    .map(([path, eq, value]) => `${path.join(".")}${eq}${value}`),
);

describe("config loader under random input: loads or fails with one config error line", () => {
  it("random YAML documents", () => {
    fc.assert(
      fc.property(yamlValue, (doc) => void load(stringify(doc))),
      RUNS,
    );
  });

  it("random YAML-ish text: anchors, aliases, tags, several documents", () => {
    fc.assert(
      fc.property(yamlText, (text) => void load(text)),
      RUNS,
    );
  });

  it("shipped configs with random edits", () => {
    fc.assert(
      fc.property(mutatedConfig, (text) => void load(text)),
      RUNS,
    );
  });

  it("an unreadable --set value names the key", () => {
    expect(load("", ["train.lr=[1"])).toMatch(/^config error in fuzz\.yaml: --set train\.lr line 1: not valid YAML: Flow sequence must end with a \]/);
  });

  it("random --set strings", () => {
    fc.assert(
      fc.property(fc.array(setString, { minLength: 1, maxLength: 3 }), (overrides) => void load(shipped[0]!, overrides)),
      RUNS,
    );
  });

  it("random experiment files", () => {
    const experimentText = fc.oneof(
      yamlText,
      yamlValue.map((doc) => stringify(doc)),
      fc.constantFrom("base: b.yaml\naxes: { seed: [1, 2] }\n", "base: b.yaml\naxes: *a\n"),
    );
    fc.assert(
      fc.property(experimentText, (text) => {
        try {
          parseExperimentText(text, "fuzz.yaml");
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          expect(error.message).toMatch(/^config error in fuzz\.yaml/);
          expect(error.message).not.toContain("\n");
        }
      }),
      RUNS,
    );
  });

  it("an override never reaches Object.prototype", () => {
    for (const assignment of ["__proto__.polluted=1", "constructor.prototype.polluted=1", "train.__proto__.polluted=1"]) {
      expect(load("", [assignment])).toMatch(/^config error in fuzz\.yaml: --set .*: (__proto__|constructor) is not a config key$/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a self-referencing alias and an alias bomb are config errors", () => {
    expect(load("a: &x [*x]\n")).toMatch(/^config error in fuzz\.yaml/);
    expect(load("train: &x { lr: *x }\n")).toBe("config error in fuzz.yaml: train.lr must be a number (got a value that contains itself)");
    expect(load("*a\n")).toMatch(/^config error in fuzz\.yaml: not valid YAML: Unresolved alias/);
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(", ")}]`,
      ),
    ].join("\n");
    expect(load(bomb)).toMatch(/^config error in fuzz\.yaml/);
  });
});
