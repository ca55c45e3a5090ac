import type { RunConfig } from "../../config/schema.js";
import type { GanLossKind } from "../../losses/gan.js";
import { BALANCE_DIAGNOSTICS, decisionBoundary } from "../../models/adversarial-diagnostics.js";
import type { Observer, ObserverState, StepEnd, TrainContext } from "./observer.js";

/** The TensorBoard text tag of the warning. */
export const ADVERSARIAL_WARNING_TAG = "diagnostics/adversarial_warning";

/** The two ways a discriminator stops being useful to its generator. */
export type Imbalance = "chance" | "wins";

/**
 * When the discriminator counts as out of balance, judged on the training means at each logging point
 * (D_accuracy, D_logit_real, D_logit_fake over the log.every steps before it). An episode starts at a
 * point that meets `enter` and goes on while points meet the looser `stay`, so a value that hovers at a
 * threshold neither ends an episode nor starts a new one at every point; it is warned about once it has
 * lasted `points` logging points and `epochShare` of an epoch.
 *
 * Constants rather than config keys: they are a rule of thumb for a warning that changes nothing in the
 * run, and a key per threshold would grow the schema (and every resolved config.yaml) by six keys for it.
 * - wins: accuracy >= 0.99 (stays >= 0.97): D tells nearly every fake from every real input, so a
 *   saturating generator loss is flat and the non-saturating one follows a D that no longer moves.
 * - chance: accuracy within 0.5 +- 0.05 (stays +- 0.08) and both mean logits within `logitTolerance`
 *   of the decision boundary (stays within 1.5 times it): D cannot tell the two apart and says so.
 * - sustained: 5 points (250 steps at the default log.every of 50) and a quarter of an epoch, so
 *   neither the first steps after the warm-up, when an untrained D wins at once, nor a run that logs
 *   every step warns on a blip.
 */
export const BALANCE_RULE = {
  wins: { enter: 0.99, stay: 0.97 },
  chance: { accuracy: 0.05, stayAccuracy: 0.08, stayLogitFactor: 1.5 },
  /** How near the decision boundary (adversarial-diagnostics.ts) both mean logits must be at chance. */
  logitTolerance: { bce: 0.5, hinge: 0.5, lsgan: 0.25 } satisfies Record<GanLossKind, number>,
  points: 5,
  epochShare: 0.25,
} as const;

/** One logging point's means of the balance diagnostics. */
export interface BalancePoint {
  accuracy: number;
  logitReal: number;
  logitFake: number;
}

/** An episode worth a warning: what was seen, over which logging steps, and its means over them. */
export interface BalanceEpisode extends BalancePoint {
  kind: Imbalance;
  /** Its first step (counted as the logged steps are: steps done), the first of its first point's interval. */
  from: number;
  /** The logging step of its latest point. */
  to: number;
  points: number;
}

interface Streak {
  kind: Imbalance;
  from: number;
  points: number;
  warned: boolean;
  sums: BalancePoint;
}

/** What a checkpoint carries, as plain JSON. */
export interface BalanceWatchState {
  lastLogStep: number;
  streak: Streak | null;
}

const initialState = (): BalanceWatchState => ({ lastLogStep: 0, streak: null });

/**
 * The detection rule on a stream of logging points, without a run: `observe` returns an episode the
 * first time it has lasted long enough, and nothing more until it ends (a point outside `stay`); an
 * episode that ends and comes back is a new one and may be warned about again.
 */
export class BalanceWatch {
  private current: BalanceWatchState = initialState();

  constructor(private readonly settings: { boundary: number; logitTolerance: number; minSteps: number }) {}

  /** `point` is undefined at a logging point without the diagnostics (the adversarial warm-up). */
  observe(step: number, point: BalancePoint | undefined): BalanceEpisode | undefined {
    const { lastLogStep } = this.current;
    let streak = this.current.streak;
    this.current.lastLogStep = step;
    if (!point) {
      this.current.streak = null;
      return undefined;
    }
    if (streak && this.meets(streak.kind, point, "stay")) {
      streak.points++;
      for (const key of ["accuracy", "logitReal", "logitFake"] as const) streak.sums[key] += point[key];
    } else {
      const kind = (["wins", "chance"] as const).find((k) => this.meets(k, point, "enter"));
      streak = kind ? { kind, from: lastLogStep + 1, points: 1, warned: false, sums: { ...point } } : null;
    }
    this.current.streak = streak;
    if (!streak || streak.warned || streak.points < BALANCE_RULE.points || step - streak.from + 1 < this.settings.minSteps) return undefined;
    streak.warned = true;
    const mean = (key: keyof BalancePoint) => streak.sums[key] / streak.points;
    return {
      kind: streak.kind,
      from: streak.from,
      to: step,
      points: streak.points,
      accuracy: mean("accuracy"),
      logitReal: mean("logitReal"),
      logitFake: mean("logitFake"),
    };
  }

  save(): BalanceWatchState {
    return structuredClone(this.current);
  }

  /** undefined (a checkpoint written before this observer): as a new run. */
  restore(saved: unknown): void {
    this.current = saved === undefined ? initialState() : structuredClone(saved as BalanceWatchState);
  }

  private meets(kind: Imbalance, { accuracy, logitReal, logitFake }: BalancePoint, how: "enter" | "stay"): boolean {
    if (kind === "wins") return accuracy >= BALANCE_RULE.wins[how];
    const { chance } = BALANCE_RULE;
    const tolerance = this.settings.logitTolerance * (how === "stay" ? chance.stayLogitFactor : 1);
    const near = (logit: number) => Math.abs(logit - this.settings.boundary) <= tolerance;
    return Math.abs(accuracy - 0.5) <= (how === "stay" ? chance.stayAccuracy : chance.accuracy) && near(logitReal) && near(logitFake);
  }
}

type Critic = "discriminator" | "latentDiscriminator";

/**
 * Watches the discriminator's balance in every run that has one (pixel GANs, VAE-GAN, AAE): at each
 * logging point it reads the means of D_accuracy, D_logit_real and D_logit_fake, and when the
 * discriminator has sat at chance or won outright for a sustained stretch (BALANCE_RULE) prints one
 * line through the run's progress display and writes it, with what to try, as the TensorBoard text
 * `diagnostics/adversarial_warning`. Once per episode; its state is in the checkpoint (only for runs
 * with a discriminator, so other runs' checkpoints are as before), so a resumed run neither warns twice
 * about one episode nor forgets how long the current one has lasted.
 */
export class AdversarialBalanceObserver implements Observer {
  readonly name = "adversarialBalance";
  private watch?: BalanceWatch;
  private critic?: Critic;

  get state(): ObserverState | undefined {
    const watch = this.watch;
    return watch && { save: () => watch.save(), restore: (saved) => watch.restore(saved) };
  }

  setup(ctx: TrainContext): void {
    const { networks } = ctx.variant;
    this.critic = networks.latentDiscriminator ? "latentDiscriminator" : networks.discriminator ? "discriminator" : undefined;
    if (!this.critic) return;
    const loss = ctx.config.adversarial.loss;
    this.watch = new BalanceWatch({
      boundary: decisionBoundary(loss),
      logitTolerance: BALANCE_RULE.logitTolerance[loss],
      minSteps: Math.ceil(BALANCE_RULE.epochShare * ctx.stepsPerEpoch),
    });
  }

  onStepEnd(event: StepEnd, ctx: TrainContext): void {
    if (!this.watch || !event.logs) return;
    const logs = event.logs;
    const read = (name: string) => logs.get(`diagnostics/${name}`);
    const accuracy = read(BALANCE_DIAGNOSTICS.accuracy);
    const logitReal = read(BALANCE_DIAGNOSTICS.logitReal);
    const logitFake = read(BALANCE_DIAGNOSTICS.logitFake);
    const point = accuracy !== undefined && logitReal !== undefined && logitFake !== undefined ? { accuracy, logitReal, logitFake } : undefined;
    const episode = this.watch.observe(event.step, point);
    if (!episode) return;
    const { line, markdown } = describeEpisode(episode, ctx.config, this.critic!);
    ctx.message(line);
    ctx.writer.text(ADVERSARIAL_WARNING_TAG, markdown, event.step);
  }
}

/** The warning as one line for the log and as Markdown for TensorBoard. */
export function describeEpisode(episode: BalanceEpisode, config: RunConfig, critic: Critic): { line: string; markdown: string } {
  const percent = `${(100 * episode.accuracy).toFixed(1)}%`;
  const logits = `mean logit ${signed(episode.logitReal)} on real inputs, ${signed(episode.logitFake)} on fakes`;
  const seen =
    episode.kind === "wins"
      ? `the ${critic} has won outright from step ${episode.from} to step ${episode.to} (${episode.points} logging points: it classified ${percent} right, ${logits}), so the generator gets little useful gradient`
      : `the ${critic} has sat at chance from step ${episode.from} to step ${episode.to} (${episode.points} logging points: it classified ${percent} right, ${logits}), so it tells the generator little; fine if the fakes really are indistinguishable (see the image grids), otherwise it is not learning`;
  const tries = suggestions(episode.kind, config, critic);
  return {
    line: `adversarial balance: ${seen}. Try: ${tries.join("; ")}.`,
    markdown: `**Adversarial balance**: ${seen}.\n\nWorth trying:\n\n${tries.map((t) => `- ${t}`).join("\n")}\n`,
  };
}

const signed = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(2)}`;

/** What a researcher might change, leaving out what the run already does or its variant cannot take. */
function suggestions(kind: Imbalance, config: RunConfig, critic: Critic): string[] {
  const { adversarial, train } = config;
  const lr = train.optimizers[critic]?.lr ?? train.lr;
  const spectral = critic === "latentDiscriminator" ? config.model.latentDiscriminator.spectralNorm : config.model.discriminator.spectralNorm;
  const fixed = adversarial.balance.mode === "fixed";
  const tries: string[] = [];
  if (kind === "wins") {
    tries.push(`a lower ${critic} learning rate (train.optimizers.${critic}.lr, now ${lr})`);
    if (adversarial.discriminatorSteps > 1) tries.push(`fewer discriminator updates (adversarial.discriminatorSteps, now ${adversarial.discriminatorSteps})`);
    if (adversarial.loss !== "hinge" && adversarial.labelSmoothing === 0) tries.push("one-sided label smoothing (adversarial.labelSmoothing: 0.1)");
    if (!spectral) tries.push(`spectral normalisation (model.${critic}.spectralNorm: true)`);
    // aae takes only a fixed lambda (its adversarial term trains only the encoder).
    if (fixed && critic === "discriminator")
      tries.push("the adaptive weight (adversarial.weight: adaptive), which scales lambda to the reconstruction's gradient");
    if (config.model.variant === "vaegan" && !adversarial.gating.enabled) tries.push("Larsen's equilibrium gating (adversarial.gating.enabled: true)");
    tries.push("an R1 penalty would be the next step, but aelab has none (docs/adversarial.md says why)");
  } else {
    tries.push(`a higher ${critic} learning rate (train.optimizers.${critic}.lr, now ${lr})`);
    tries.push(`more discriminator updates per generator update (adversarial.discriminatorSteps, now ${adversarial.discriminatorSteps})`);
    if (fixed) tries.push(`a smaller lambda (adversarial.weight, now ${adversarial.weight}), so the generator does not overpower it`);
    if (spectral) tries.push(`without spectral normalisation (model.${critic}.spectralNorm), which may hold it back`);
    tries.push(`a larger ${critic} (model.${critic})`);
  }
  return tries;
}
