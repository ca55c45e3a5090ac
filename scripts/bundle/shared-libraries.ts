import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";

/** Libraries every glibc Linux has; the bundle relies on the target's own copies of these. */
const SYSTEM_LIBRARIES = /^(linux-vdso|ld-linux|libc|libm|libdl|libpthread|librt|libgcc_s|libstdc\+\+)\b/;

/**
 * The shared libraries a native module loads beyond the system's own (for the BLAS addon: OpenBLAS,
 * and the Fortran runtime it links), as `ldd` resolves them here: soname and file.
 */
export function nonSystemDependencies(binary: string): Array<{ soname: string; file: string }> {
  const ldd = spawnSync("ldd", [binary], { encoding: "utf8" });
  if (ldd.status !== 0) throw new Error(`ldd ${binary} failed: ${(ldd.stderr || ldd.stdout).trim()}`);
  const found: Array<{ soname: string; file: string }> = [];
  for (const line of ldd.stdout.split("\n")) {
    const match = /^\s*(\S+) => (\S+)/.exec(line);
    if (!match) continue;
    const [, soname, file] = match as unknown as [string, string, string];
    if (file === "not") throw new Error(`${binary} needs ${soname}, which is not found here`);
    if (!SYSTEM_LIBRARIES.test(soname)) found.push({ soname, file });
  }
  return found;
}

/** Where this machine's Vulkan loader is (Debian's libvulkan1), or null. */
export function findVulkanLoader(): string | null {
  const ldconfig = spawnSync("ldconfig", ["-p"], { encoding: "utf8" });
  const listed = /libvulkan\.so\.1 \(libc6,x86-64\) => (\S+)/.exec(ldconfig.stdout ?? "")?.[1];
  if (listed && existsSync(listed)) return listed;
  return ["/usr/lib/x86_64-linux-gnu/libvulkan.so.1", "/usr/lib64/libvulkan.so.1", "/usr/lib/libvulkan.so.1"].find(existsSync) ?? null;
}

/** Copies each library into `dir` under its soname, the name the dynamic loader asks for. */
export function copyLibraries(libraries: ReadonlyArray<{ soname: string; file: string }>, dir: string): void {
  for (const { soname, file } of libraries) copyFileSync(file, join(dir, soname));
}
