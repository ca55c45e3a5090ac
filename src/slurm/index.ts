export { arrayScript, checkSlurmOptions, reportScript, sbatchQuote, shellQuote, submitScript, type SlurmOptions } from "./script.js";
export { submitSlurmScripts } from "./submit.js";
export { writeSlurmScripts, type SlurmScripts } from "./write.js";
