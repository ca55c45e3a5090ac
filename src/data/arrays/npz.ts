import { constants as bufferConstants } from "node:buffer";
import { unzipSync } from "fflate";
import { DataError } from "../errors.js";
import { type NdArray, parseNpy } from "./npy.js";

const { MAX_LENGTH } = bufferConstants;

/**
 * Parses the bytes of a .npz file, as np.savez (stored) and np.savez_compressed (deflate) write it:
 * a zip of one .npy file per array. Keys are the array names, i.e. the member names without ".npy".
 */
export function parseNpz(bytes: Uint8Array, origin: string): Map<string, NdArray> {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, {
      filter: (file) => {
        // fflate allocates what the directory claims before inflating: a damaged or hostile size must not
        // take the machine's memory with it.
        if (file.originalSize > MAX_LENGTH) {
          throw new DataError(`${origin}: member ${file.name} claims ${file.originalSize} bytes, more than one array can hold in memory (${MAX_LENGTH})`);
        }
        return !file.name.endsWith("/");
      },
    });
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${origin}: not a readable .npz file: corrupt zip (${(e as Error).message}); expected a zip written by np.savez`);
  }
  const arrays = new Map<string, NdArray>();
  for (const [name, member] of Object.entries(members)) {
    if (!name.endsWith(".npy")) throw new DataError(`${origin}: member ${name} is not a .npy file; expected only .npy members, as np.savez writes`);
    arrays.set(name.slice(0, -".npy".length), parseNpy(member, `${origin} (member ${name})`));
  }
  return arrays;
}
