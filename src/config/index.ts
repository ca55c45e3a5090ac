export { differingKeys } from "./diff.js";
export { ConfigError } from "./errors.js";
export { applyOverride, loadConfig, parseConfigText, readConfigFile, validateConfig } from "./load.js";
export { runConfigSchema, type Activation, type MlpSpec, type ReconLoss, type RunConfig } from "./schema.js";
