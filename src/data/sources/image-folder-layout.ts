import { type Dirent, readdirSync, statSync } from "node:fs";
import { extname, join, relative } from "node:path";
import { DataError } from "../errors.js";
import { IMAGE_EXTENSIONS } from "./decode-image.js";

/** One image file of a folder dataset, with what the cache's manifest records of it. */
export interface ImageFile {
  path: string;
  label: number;
  size: number;
  mtimeMs: number;
}

/** A folder dataset's files: train and test when the folder is split, else all of them in one part. */
export interface ImageFolderLayout {
  parts: { train: ImageFile[]; test?: ImageFile[] };
  /** Class names, sorted (label k is classes[k]); undefined for a folder of images without class folders. */
  classes?: string[];
  /** Files that are not images by their extension, relative to the root: skipped, and counted in one line. */
  skipped: string[];
}

// torchvision's ImageFolder takes "val" where a dataset ships no "test" (ImageNet's layout).
const TEST_FOLDERS = ["test", "val"];

/**
 * Reads torchvision's ImageFolder layout: `<root>/<class>/<file>` (class folders searched to any depth),
 * optionally split as `<root>/train/<class>/...` and `<root>/test/<class>/...` (or `val`); a folder with
 * images and no class folders is unlabelled. Classes and files are in sorted order, so labels and the
 * order of examples are fixed by the names alone. Hidden entries (.DS_Store, .git) are ignored.
 */
export function imageFolderLayout(root: string): ImageFolderLayout {
  const skipped: string[] = [];
  const top = entries(root);
  if (top.dirs.includes("train")) {
    const train = readPart(root, join(root, "train"), undefined, skipped);
    const testName = TEST_FOLDERS.find((name) => top.dirs.includes(name));
    const test = testName ? readPart(root, join(root, testName), train.classes, skipped) : undefined;
    for (const file of top.files) skipped.push(file);
    return { parts: { train: train.files, test: test?.files }, classes: train.classes, skipped };
  }
  const all = readPart(root, root, undefined, skipped);
  return { parts: { train: all.files }, classes: all.classes, skipped };
}

/** One part: class folders if it has any (its loose files skipped), else its own images, unlabelled. */
function readPart(root: string, dir: string, knownClasses: string[] | undefined, skipped: string[]): { files: ImageFile[]; classes?: string[] } {
  const { dirs, files } = entries(dir);
  if (dirs.length === 0) {
    if (knownClasses)
      throw new DataError(
        `${dir}: holds no class folders, but ${join(dir, "..", "train")} has ${knownClasses.length} (${knownClasses.slice(0, 3).join(", ")}, ...)`,
      );
    const images = imagesOf(root, dir, files, 0, skipped);
    if (images.length === 0) throw new DataError(`${dir}: holds no images (${[...IMAGE_EXTENSIONS].join(", ")}) and no class folders`);
    return { files: images };
  }
  for (const file of files) skipped.push(relative(root, join(dir, file)));
  const classes = knownClasses ?? dirs;
  const found: ImageFile[] = [];
  for (const name of dirs) {
    const label = classes.indexOf(name);
    if (label < 0)
      throw new DataError(`${join(dir, name)}: a class folder that ${join(dir, "..", "train")} does not have (its classes: ${classes.join(", ")})`);
    if (label > 255) throw new DataError(`${dir}: ${classes.length} class folders; aelab's labels are bytes, so at most 256 classes`);
    const images = walk(root, join(dir, name), label, skipped);
    if (images.length === 0) throw new DataError(`${join(dir, name)}: an empty class folder (no ${[...IMAGE_EXTENSIONS].join(", ")} files)`);
    found.push(...images);
  }
  return { files: found, classes };
}

function walk(root: string, dir: string, label: number, skipped: string[]): ImageFile[] {
  const { dirs, files } = entries(dir);
  return [...imagesOf(root, dir, files, label, skipped), ...dirs.flatMap((name) => walk(root, join(dir, name), label, skipped))];
}

function imagesOf(root: string, dir: string, names: string[], label: number, skipped: string[]): ImageFile[] {
  const images: ImageFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (!IMAGE_EXTENSIONS.has(extname(name).toLowerCase())) {
      skipped.push(relative(root, path));
      continue;
    }
    const stat = statSync(path);
    images.push({ path, label, size: stat.size, mtimeMs: stat.mtimeMs });
  }
  return images;
}

/** A folder's visible sub-folders and files, each sorted by name (code-unit order, the same on every machine). */
function entries(dir: string): { dirs: string[]; files: string[] } {
  let listed: Dirent[];
  try {
    listed = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new DataError(`${dir}: cannot read the folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const dirs: string[] = [];
  const files: string[] = [];
  for (const entry of listed) {
    if (entry.name.startsWith(".")) continue;
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && statSync(join(dir, entry.name), { throwIfNoEntry: false })?.isDirectory());
    (isDir ? dirs : files).push(entry.name);
  }
  const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { dirs: dirs.sort(byCodeUnit), files: files.sort(byCodeUnit) };
}
