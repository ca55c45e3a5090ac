// Preload (node --import) that makes chosen file-system calls fail with an errno, as a full disk, a
// read-only mount or a missing permission would. Tests run as root on CI, where chmod does not stop a
// write, and a small tmpfs cannot be mounted; this gives both cases a real errno from the real call site.
//
// AELAB_FS_FAULT is JSON: { code: "ENOSPC", calls: ["writeSync", ...], match: "substring of the path",
// armedBy?: "a path; the fault starts once it exists" }. Once armed it fails every matching call (a full
// disk stays full); the first failing writeSync writes half its bytes first, as a real short write does.
import fs from "node:fs";
import fsp from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";

const spec = JSON.parse(process.env.AELAB_FS_FAULT ?? "null");

if (spec) {
  const pathOfFd = new Map();
  const pathOfHandle = new WeakMap();
  const armed = () => !spec.armedBy || fs.existsSync(spec.armedBy);
  const hits = (call, path) => spec.calls.includes(call) && typeof path === "string" && path.includes(spec.match) && armed();
  const fault = (call, path) =>
    Object.assign(new Error(`${spec.code}: injected fault, ${call} '${path}'`), { code: spec.code, syscall: call, path, errno: -1 });
  let shortWriteDone = false;

  const wrapSync = (name) => {
    const real = fs[name];
    fs[name] = function (path, ...rest) {
      const p = typeof path === "number" ? pathOfFd.get(path) : String(path);
      if (hits(name, p)) throw fault(name, p);
      return real.call(this, path, ...rest);
    };
  };
  for (const name of ["mkdirSync", "writeFileSync", "readFileSync", "renameSync"]) wrapSync(name);

  const realOpenSync = fs.openSync;
  fs.openSync = function (path, ...rest) {
    if (hits("openSync", String(path))) throw fault("openSync", String(path));
    const fd = realOpenSync.call(this, path, ...rest);
    pathOfFd.set(fd, String(path));
    return fd;
  };
  const realWriteSync = fs.writeSync;
  fs.writeSync = function (fd, buffer, offset = 0, ...rest) {
    const p = pathOfFd.get(fd);
    if (hits("writeSync", p)) {
      if (!shortWriteDone && Buffer.isBuffer(buffer) && buffer.length - offset > 1) {
        shortWriteDone = true;
        return realWriteSync.call(this, fd, buffer, offset, Math.floor((buffer.length - offset) / 2));
      }
      throw fault("writeSync", p);
    }
    return realWriteSync.call(this, fd, buffer, offset, ...rest);
  };

  const realOpen = fsp.open;
  fsp.open = async function (path, ...rest) {
    if (hits("open", String(path))) throw fault("open", String(path));
    const handle = await realOpen.call(this, path, ...rest);
    pathOfHandle.set(handle, String(path));
    return handle;
  };
  const probe = await realOpen(process.execPath, "r");
  const handleProto = Object.getPrototypeOf(probe);
  await probe.close();
  for (const name of ["writeFile", "write"]) {
    const real = handleProto[name];
    handleProto[name] = function (...args) {
      const p = pathOfHandle.get(this);
      if (hits(`handle.${name}`, p)) return Promise.reject(fault(`handle.${name}`, p));
      return real.apply(this, args);
    };
  }
  for (const name of ["mkdir", "writeFile", "rename"]) {
    const real = fsp[name];
    fsp[name] = function (path, ...rest) {
      if (hits(name, String(path))) return Promise.reject(fault(name, String(path)));
      return real.call(this, path, ...rest);
    };
  }
  syncBuiltinESMExports();
}
