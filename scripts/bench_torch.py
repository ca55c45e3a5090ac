#!/usr/bin/env python3
"""aelab's models in PyTorch, for `npm run bench` to compare against.

The networks and losses follow src/nn and src/models layer for layer: the same widths, activations
(leaky ReLU slope 0.2), TF/tfjs 'same' padding (odd padding goes bottom/right), logits out of the
decoder, BCE-with-logits / MSE summed over pixels and averaged over the batch, the analytic KL, the
non-saturating GAN losses, one Adam per network with the config's lr and betas (and tfjs's epsilon,
1e-7), and each phase's gradient taken for its own networks only (as aelab's phases do).

The spec comes from the bench as JSON on stdin, already resolved by aelab's config schema, so no
default is repeated here. Modes:
  --count-params   prints {network: parameter count} (a list of specs gives a list of counts)
  --bench          times training steps: {"spec", "timing", "threads", "data"} in, one result line out
"""
import argparse
import ctypes
import json
import statistics
import sys
import time

RESULT_PREFIX = "@@aelab-bench-result "
PACE_PREFIX = "@@aelab-bench-pace "
NOT_WRITTEN_EXIT_CODE = 3  # scripts/bench/torch.ts knows it

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ModuleNotFoundError as error:  # the bench and its test name the package to install
    print(f"bench_torch.py: {error}; install the Debian package python3-torch", file=sys.stderr)
    sys.exit(2)

LEAKY_RELU_ALPHA = 0.2  # src/nn/activation.ts
ADAM_EPSILON = 1e-7  # tfjs's tf.train.adam default for float32


def activation(name):
    if name == "relu":
        return nn.ReLU()
    if name == "leakyRelu":
        return nn.LeakyReLU(LEAKY_RELU_ALPHA)
    if name == "elu":
        return nn.ELU()
    if name == "tanh":
        return nn.Tanh()
    raise ValueError(f"bench_torch.py: unknown activation {name!r}")


def same_padding(size, kernel, stride):
    """TF's 'same': output ceil(size / stride); padding before = total // 2, the rest after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return out, total // 2, total - total // 2


def init(module):
    # tf.layers' glorotUniform kernels and zero biases, as src/nn seeds them.
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return module


class SameConv2d(nn.Module):
    """Conv2d with tfjs 'same' padding; asymmetric padding (stride 2, kernel 3) is padded explicitly."""

    def __init__(self, cin, cout, kernel, stride, height, width):
        super().__init__()
        self.out_h, top, bottom = same_padding(height, kernel, stride)
        self.out_w, left, right = same_padding(width, kernel, stride)
        symmetric = top == bottom and left == right
        self.pad = None if symmetric else (left, right, top, bottom)
        self.conv = nn.Conv2d(cin, cout, kernel, stride, padding=(top, left) if symmetric else 0)

    def forward(self, x):
        return self.conv(x if self.pad is None else F.pad(x, self.pad))


class SameConvTranspose2d(nn.Module):
    """tfjs conv2dTranspose 'same': output size * stride, i.e. the transpose of a 'same' conv from the
    larger size, whose padding before is cropped from the start of the full output."""

    def __init__(self, cin, cout, kernel, stride, height, width):
        super().__init__()
        self.out_h, self.out_w = height * stride, width * stride
        _, top, bottom = same_padding(self.out_h, kernel, stride)
        _, left, right = same_padding(self.out_w, kernel, stride)
        symmetric = top == bottom and left == right
        self.crop = None if symmetric else (top, left)
        self.conv = nn.ConvTranspose2d(cin, cout, kernel, stride, padding=(top, left) if symmetric else 0)

    def forward(self, x):
        y = self.conv(x)
        if self.crop is None:
            return y
        top, left = self.crop
        return y[:, :, top : top + self.out_h, left : left + self.out_w]


def dense_stack(width, hidden, act):
    layers = []
    for units in hidden:
        layers += [nn.Linear(width, units), activation(act)]
        width = units
    return layers, width


def conv_stack(spec, channels, height, width):
    blocks = []
    for filters in spec["filters"]:
        conv = SameConv2d(channels, filters, spec["kernel"], spec["strides"], height, width)
        blocks.append(nn.Sequential(conv, activation(spec["activation"])))
        channels, height, width = filters, conv.out_h, conv.out_w
    return blocks, channels * height * width


class Encoder(nn.Module):
    """src/nn/mlp-encoder.ts, conv-encoder.ts, encoder-heads.ts: a trunk, then mean (+ log-variance) heads."""

    def __init__(self, spec, shape, latent, gaussian):
        super().__init__()
        c, h, w = shape["channels"], shape["height"], shape["width"]
        if spec["type"] == "mlp":
            layers, width = dense_stack(c * h * w, spec["hidden"], spec["activation"])
            layers = [nn.Flatten()] + layers
        else:
            blocks, width = conv_stack(spec, c, h, w)
            dense, width = dense_stack(width, spec["hidden"], spec["activation"])
            layers = blocks + [nn.Flatten()] + dense
        self.trunk = nn.Sequential(*layers)
        self.mean = nn.Linear(width, latent)
        self.log_variance = nn.Linear(width, latent) if gaussian else None

    def forward(self, x):
        h = self.trunk(x)
        return self.mean(h), None if self.log_variance is None else self.log_variance(h)


class Decoder(nn.Module):
    """src/nn/mlp-decoder.ts and conv-decoder.ts: a code in, logits of the image's shape out."""

    def __init__(self, spec, shape, latent):
        super().__init__()
        c, h, w = shape["channels"], shape["height"], shape["width"]
        if spec["type"] == "mlp":
            layers, width = dense_stack(latent, spec["hidden"], spec["activation"])
            layers += [nn.Linear(width, c * h * w), nn.Unflatten(1, (c, h, w))]
        else:
            factor = spec["strides"] ** len(spec["filters"])
            if h % factor or w % factor:
                raise ValueError(f"bench_torch.py: {h}x{w} is not divisible by {factor}")
            h, w, channels = h // factor, w // factor, spec["startChannels"]
            layers = [nn.Linear(latent, h * w * channels), activation(spec["activation"]), nn.Unflatten(1, (channels, h, w))]
            for filters in spec["filters"]:
                layers += [SameConvTranspose2d(channels, filters, spec["kernel"], spec["strides"], h, w), activation(spec["activation"])]
                channels, h, w = filters, h * spec["strides"], w * spec["strides"]
            layers.append(SameConvTranspose2d(channels, c, spec["kernel"], 1, h, w))
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        return self.net(z)


class Discriminator(nn.Module):
    """src/nn/mlp-discriminator.ts and conv-discriminator.ts: (logit, features of layer featureLayer)."""

    def __init__(self, spec, shape):
        super().__init__()
        c, h, w = shape["channels"], shape["height"], shape["width"]
        self.conv = spec["type"] == "conv"
        if self.conv:
            blocks, width = conv_stack(spec, c, h, w)
            self.convs = nn.ModuleList(blocks)
            count = len(spec["filters"])
        else:
            self.convs = nn.ModuleList()
            width = c * h * w
            count = len(spec["hidden"])
        layers, width = dense_stack(width, spec["hidden"], spec["activation"])
        self.dense = nn.ModuleList(nn.Sequential(layers[i], layers[i + 1]) for i in range(0, len(layers), 2))
        self.logit = nn.Linear(width, 1)
        layer = spec["featureLayer"]
        if not -count <= layer < count:
            raise ValueError(f"bench_torch.py: featureLayer {layer} is outside [{-count}, {count - 1}]")
        self.feature_layer = layer + count if layer < 0 else layer

    def forward(self, x):
        maps = []
        h = x
        for block in self.convs:
            h = block(h)
            maps.append(h)
        h = torch.flatten(h, 1)
        hidden = []
        for block in self.dense:
            h = block(h)
            hidden.append(h)
        features = torch.flatten(maps[self.feature_layer], 1) if self.conv else hidden[self.feature_layer]
        return self.logit(h), features


def networks(spec):
    """The variant's networks, built in aelab's order (encoder, decoder, then the discriminator)."""
    model, shape, variant = spec["model"], spec["shape"], spec["variant"]
    if variant == "aae":
        raise ValueError("bench_torch.py: variant aae is not written")
    gaussian = variant in ("vae", "vae+gan", "vaegan")
    nets = {
        "encoder": init(Encoder(model["encoder"], shape, model["latent"]["size"], gaussian)),
        "decoder": init(Decoder(model["decoder"], shape, model["latent"]["size"])),
    }
    if variant in ("ae+gan", "vae+gan", "vaegan"):
        nets["discriminator"] = init(Discriminator(model["discriminator"], shape))
    return nets


def count_params(spec):
    return {name: sum(p.numel() for p in net.parameters()) for name, net in networks(spec).items()}


# Losses: src/losses (reconstruction.ts, kl.ts, gan.ts, feature.ts).


def reconstruction_loss(kind, logits, x):
    if kind == "bce":
        return F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]
    p = torch.sigmoid(logits)
    if kind == "mse":
        return (p - x).square().sum() / x.shape[0]
    if kind == "l1":
        return (p - x).abs().sum() / x.shape[0]
    raise ValueError(f"bench_torch.py: unknown reconstruction loss {kind!r}")


def gaussian_kl(mean, log_variance):
    return (0.5 * (log_variance.exp() + mean.square() - 1 - log_variance)).sum(1).mean()


def towards(kind, logits, target):
    if kind == "bce":
        return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))
    return 0.5 * (logits - target).square().mean()


def discriminator_loss(kind, real, fakes, smoothing):
    return towards(kind, real, 1 - smoothing) + sum(towards(kind, fake, 0.0) for fake in fakes)


def feature_reconstruction(real, recon):
    return (real - recon).square().sum(1).mean()


class Trainer:
    """One training step of the spec's variant, phase by phase as in src/models."""

    def __init__(self, spec):
        self.spec = spec
        self.nets = {name: net.to(device) for name, net in networks(spec).items()}
        self.optimizers = {
            name: torch.optim.Adam(self.nets[name].parameters(), lr=o["lr"], betas=tuple(o["betas"]), eps=ADAM_EPSILON)
            for name, o in spec["optimizers"].items()
            if name in self.nets
        }
        adversarial = spec["adversarial"]
        if spec["variant"] == "vaegan" and adversarial["gating"]["enabled"]:
            raise ValueError("bench_torch.py: vaegan with gating is not written")

    def descend(self, names, loss):
        # backward(inputs=...) computes gradients for these networks only, as each aelab phase does.
        params = [p for name in names for p in self.nets[name].parameters()]
        for name in names:
            self.optimizers[name].zero_grad(set_to_none=True)
        loss.backward(inputs=params)
        for name in names:
            self.optimizers[name].step()

    def encode(self, x):
        mean, log_variance = self.nets["encoder"](x)
        if log_variance is None:
            return mean, None
        return mean + torch.exp(0.5 * log_variance) * torch.randn_like(mean), gaussian_kl(mean, log_variance)

    def step(self, x, i):
        model, adv = self.spec["model"], self.spec["adversarial"]
        variant, gan = self.spec["variant"], adv["loss"]
        decoder = self.nets["decoder"]
        generator_turn = (i + 1) % adv["discriminatorSteps"] == 0
        if variant in ("ae", "vae"):
            z, kl = self.encode(x)
            loss = reconstruction_loss(model["recon"], decoder(z), x)
            self.descend(["encoder", "decoder"], loss if kl is None else loss + model["beta"] * kl)
        elif variant in ("ae+gan", "vae+gan"):
            d = self.nets["discriminator"]
            if generator_turn:
                z, kl = self.encode(x)
                logits = decoder(z)
                fake = torch.sigmoid(logits)
                loss = reconstruction_loss(model["recon"], logits, x) + adv["weight"] * towards(gan, d(fake)[0], 1.0)
                self.descend(["encoder", "decoder"], loss if kl is None else loss + model["beta"] * kl)
                fake = fake.detach()
            else:
                with torch.no_grad():
                    fake = torch.sigmoid(decoder(self.encode(x)[0]))
            self.descend(["discriminator"], discriminator_loss(gan, d(x)[0], [d(fake)[0]], adv["labelSmoothing"]))
        elif variant == "vaegan":
            d = self.nets["discriminator"]
            prior = lambda: torch.randn(x.shape[0], model["latent"]["size"], device=x.device)
            if generator_turn:
                z, kl = self.encode(x)
                real_features = d(x)[1]
                loss = model["beta"] * kl + feature_reconstruction(real_features, d(torch.sigmoid(decoder(z)))[1])
                self.descend(["encoder"], loss)
                z, real_features = z.detach(), real_features.detach()
                reconstruction = torch.sigmoid(decoder(z))
                prior_sample = torch.sigmoid(decoder(prior()))
                on_recon_logit, on_recon_features = d(reconstruction)
                gen = towards(gan, on_recon_logit, 1.0) + towards(gan, d(prior_sample)[0], 1.0)
                self.descend(["decoder"], adv["gamma"] * feature_reconstruction(real_features, on_recon_features) + gen)
                reconstruction, prior_sample = reconstruction.detach(), prior_sample.detach()
            else:
                with torch.no_grad():
                    reconstruction = torch.sigmoid(decoder(self.encode(x)[0]))
                    prior_sample = torch.sigmoid(decoder(prior()))
            # Larsen's reference weights real : reconstructions : prior samples as 0.5 : 0.25 : 0.25, as aelab does.
            fakes = torch.cat([d(reconstruction)[0], d(prior_sample)[0]])
            self.descend(["discriminator"], 0.5 * discriminator_loss(gan, d(x)[0], [fakes], adv["labelSmoothing"]))
        else:
            raise ValueError(f"bench_torch.py: variant {variant!r} is not written")


def matmul_gflops():
    """One large matmul warms the BLAS (or the GPU) up (PyTorch is ~3x slower cold here); a second one is timed."""
    a, b = torch.randn(1024, 1024, device=device), torch.randn(1024, 1024, device=device)
    a @ b
    synchronize()
    start = time.perf_counter()
    a @ b
    synchronize()
    return 2 * 1024**3 / (time.perf_counter() - start) / 1e9


# Where the networks train: the CPU for the bench's comparison, a GPU for the GPU check (--device cuda).
device = torch.device("cpu")


def synchronize():
    """Waits for the device: a CUDA step returns before the GPU has run it, so a window ends only after this."""
    if device.type == "cuda":
        torch.cuda.synchronize()


def load_data(data, spec):
    shape, batch = spec["shape"], spec["batch"]
    c, h, w = shape["channels"], shape["height"], shape["width"]
    if data is None:
        return torch.rand(batch * 8, c, h, w, device=device)
    with open(data["path"], "rb") as f:
        raw = bytearray(f.read())
    # The bench writes float32 NHWC, as aelab holds images; PyTorch convs want NCHW.
    return torch.frombuffer(raw, dtype=torch.float32).view(data["count"], h, w, c).permute(0, 3, 1, 2).contiguous().to(device)


def measure(trainer, images, batch, timing):
    """Warm-up steps, then windows of at least windowSeconds and windowSteps; images/s per window."""
    batches = images.shape[0] // batch
    i = 0

    def step():
        nonlocal i
        b = i % batches
        trainer.step(images[b * batch : (b + 1) * batch], i)
        i += 1

    # The same warm-up as aelab's side: at least warmupSteps steps and warmupSeconds seconds.
    start = time.perf_counter()
    warm = 0
    while warm < timing["warmupSteps"] or time.perf_counter() - start < timing.get("warmupSeconds", 0):
        step()
        warm += 1
    synchronize()
    # Paced (the bench's aelab-against-PyTorch pairs): wait for the parent's word after the warm-up and after
    # each window, and time windows until it says stop; the wait is not timed.
    paced = timing.get("paced", False)
    going = pace("ready") if paced else True
    rates = []
    while going and (paced or len(rates) < timing["windows"]):
        steps, start = 0, time.perf_counter()
        while True:
            step()
            steps += 1
            elapsed = time.perf_counter() - start
            if steps >= timing["windowSteps"] and elapsed >= timing["windowSeconds"]:
                synchronize()
                elapsed = time.perf_counter() - start
                break
        rates.append(steps * batch / elapsed)
        if paced:
            going = pace(f"window {rates[-1]}")
    if not rates:
        raise RuntimeError("stopped before the first timing window")
    return {"imagesPerSecond": statistics.median(rates), "windows": rates, "steps": i}


def pace(what):
    """Says where the timing is (scripts/bench/pace.ts has the other side) and waits: True for go, False for stop."""
    print(PACE_PREFIX + what, flush=True)
    reply = sys.stdin.readline().strip()
    if reply not in ("go", "stop", ""):
        raise RuntimeError(f"expected go or stop from the parent, got {reply!r}")
    return reply == "go"


def blas_libraries():
    """The BLAS shared libraries this process mapped (torch's CPU matmuls go through them)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if line.split()[-1].startswith("/")}
    except OSError:
        return []
    return sorted(p for p in paths if "blas" in p.rsplit("/", 1)[-1].lower())


def openblas_threads(libraries):
    """OpenBLAS's own thread count: torch.set_num_threads does not reach an OpenBLAS pthread pool,
    which the bench sizes through OPENBLAS_NUM_THREADS / OMP_NUM_THREADS instead; this checks it."""
    for path in libraries:
        if "openblas" in path.rsplit("/", 1)[-1].lower():
            try:
                return ctypes.CDLL(path).openblas_get_num_threads()
            except (OSError, AttributeError):
                return None
    return None


def bench(job):
    spec, timing, data = job["spec"], job["timing"], job.get("data")
    try:
        torch.set_num_interop_threads(1)  # only intra-op threads are compared; must precede any parallel work
    except RuntimeError:
        pass
    images = load_data(data, spec)
    results = []
    for threads in job["threads"]:
        torch.set_num_threads(threads)
        gflops = matmul_gflops()
        torch.manual_seed(spec["seed"])
        trainer = Trainer(spec)
        result = measure(trainer, images, spec["batch"], timing)
        blas_threads = openblas_threads(blas_libraries())
        results.append({"threads": torch.get_num_threads(), "blasThreads": blas_threads, "matmulGflops": gflops, **result})
    libraries = blas_libraries()
    gpu = torch.cuda.get_device_name(device) if device.type == "cuda" else None
    return {"kind": "torch", "torch": torch.__version__, "device": gpu or "cpu", "blasLibrary": ", ".join(libraries) or None, "results": results}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--count-params", action="store_true", help="print each network's parameter count")
    mode.add_argument("--bench", action="store_true", help="time training steps")
    parser.add_argument("--device", default="cpu", help="cpu (the bench), or cuda for the GPU check (scripts/gpu-check-quick.sh)")
    args = parser.parse_args()
    global device
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print(f"bench_torch.py: --device {args.device}: this PyTorch sees no CUDA device", file=sys.stderr)
        sys.exit(2)
    # One line of JSON: a paced job keeps stdin open after it for the parent's go and stop.
    job = json.loads(sys.stdin.readline())
    try:
        if args.count_params:
            print(json.dumps([count_params(s) for s in job] if isinstance(job, list) else count_params(job)))
        else:
            print(RESULT_PREFIX + json.dumps(bench(job)), flush=True)
    except ValueError as error:  # a variant or option not written here: the bench reports it as n/a
        print(str(error), file=sys.stderr)
        sys.exit(NOT_WRITTEN_EXIT_CODE)


if __name__ == "__main__":
    main()
